/**
 * The radio status table must be PROTOCOL.md part A's, verbatim: dispatch systems and the Hub Santé
 * gateway are written against these codes, keys and RS-SR mappings.
 */
import { describe, expect, it } from "vitest";
import {
  isMatchingStatus,
  radioStatusByCode,
  radioStatusByKey,
  radioStatuses,
  statusKeys,
} from "../../../src/domain/radio-status.ts";

/** PROTOCOL.md A, "Radio statuses", row by row: code, key, French label, RS-SR status, availability. */
const protocolTable = [
  [1, "available", "Disponible", "RETOUR", true],
  [2, "at_base", "Disponible au centre", "RET-BASE", true],
  [3, "en_route", "En route", "DEPART", null],
  [4, "on_scene", "Sur place", "ARRIVEE", null],
  [7, "with_patient", "Prise en charge", "PEC", null],
  [8, "visit_done", "Fin de visite", "FINPEC", null],
  [5, "call_request", "Demande d'appel", null, null],
  [6, "unavailable", "Indisponible", null, false],
  [9, "samu_backup", "Renfort SMUR demandé", "ORIENTAT", null],
  [0, "emergency", "Urgence / danger", null, null],
] as const;

describe("radio status table", () => {
  it("has the ten codes 0 to 9, once each", () => {
    expect(radioStatuses.map((status) => status.code).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("has unique keys, the same as statusKeys", () => {
    const keys = radioStatuses.map((status) => status.key);
    expect(new Set(keys).size).toBe(10);
    expect([...keys].sort()).toEqual([...statusKeys].sort());
  });

  it.each(protocolTable)(
    "code %i is %s, shown as %j, RS-SR %j with availability %j",
    (code, key, fr, rsSr, availability) => {
      const status = radioStatusByCode(code);
      expect(status).toMatchObject({ code, key, labels: { fr }, rsSr: { status: rsSr, availability } });
      expect(radioStatusByKey(key)).toBe(status);
    },
  );

  it("has a distinct, non-empty English label for every status", () => {
    const english = radioStatuses.map((status) => status.labels.en);
    expect(english.every((label) => label.trim().length > 0)).toBe(true);
    expect(new Set(english).size).toBe(10);
  });

  it("maps only the statuses that change the RS-SR state: a call request and an emergency send none", () => {
    expect(radioStatusByKey("call_request")?.rsSr).toEqual({ status: null, availability: null });
    expect(radioStatusByKey("emergency")?.rsSr).toEqual({ status: null, availability: null });
    expect(radioStatusByKey("unavailable")?.rsSr).toEqual({ status: null, availability: false });
  });

  it("returns null for a code or key outside the table", () => {
    expect(radioStatusByCode(10)).toBeNull();
    expect(radioStatusByCode(-1)).toBeNull();
    expect(radioStatusByCode(1.5)).toBeNull();
    expect(radioStatusByKey("busy")).toBeNull();
    expect(radioStatusByKey("toString")).toBeNull();
  });

  it("says whether a code and a key name the same status", () => {
    expect(isMatchingStatus(3, "en_route")).toBe(true);
    expect(isMatchingStatus(4, "en_route")).toBe(false);
    expect(isMatchingStatus(11, "en_route")).toBe(false);
  });
});
