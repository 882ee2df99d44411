/**
 * The screen speaks French first and English when asked (issue 6): both dictionaries have the same
 * keys, no empty text, and the same `{placeholders}` in each sentence, so a switch of language never
 * shows a raw key or loses a number.
 */
import { describe, expect, it } from "vitest";
import { en } from "../../../apps/kiosk/renderer/src/i18n/en.ts";
import { fr } from "../../../apps/kiosk/renderer/src/i18n/fr.ts";
import { translator } from "../../../apps/kiosk/renderer/src/i18n/i18n.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the screen's dictionaries", () => {
  it("have exactly the same keys", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it("have no empty text and the same placeholders in both languages", () => {
    for (const key of Object.keys(fr) as Array<keyof typeof fr>) {
      expect(fr[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
      expect(placeholders(en[key]), key).toEqual(placeholders(fr[key]));
    }
  });

  it("fill in the values, in the chosen language", () => {
    expect(translator("fr")("gnssNoFixFor", { n: 42 })).toBe("Pas de position depuis 42 s");
    expect(translator("en")("gnssNoFixFor", { n: 42 })).toBe("No position for 42 s");
  });
});
