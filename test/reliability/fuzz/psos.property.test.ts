/**
 * Properties of the `$PSOS` codec that firmware-bridge/test/psos-codec.test.ts (encode → decode round
 * trip of valid records, single-character corruption, no throw on random strings) does not state:
 * - with a *valid* checksum and any field text, decoding never throws, and whatever it accepts is
 *   inside the contract and has one canonical sentence: decode(encode(decode(s))) = decode(s);
 * - noise at the start of a line (bytes from an idle line), or sentences glued together (lost line
 *   ends), cost no valid sentence.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ControllerModel } from "../../../firmware-bridge/src/emulator.ts";
import { decodePsos, encodePsos, splitPsosCandidates } from "../../../firmware-bridge/src/psos-codec.ts";
import { scenarios } from "../../../firmware-bridge/src/scenarios.ts";
import { frameSentence } from "../../../src/contracts/nmea-framing.ts";
import { psosRecordSchema } from "../../../src/contracts/psos.ts";
import { propertyRuns, propertyTimeoutMs } from "./property-runs.ts";

const fieldText = fc.oneof(
  fc.constantFrom(
    "",
    "0",
    "1",
    "-0",
    "P",
    "F",
    "U",
    "ALL",
    "1.4.2",
    "00",
    "01",
    "1.",
    ".5",
    "1e1",
    "+1",
    "0x1F",
  ),
  fc.stringMatching(/^-?\d{1,11}(\.\d{1,3})?$/),
  fc.string({ unit: fc.constantFrom(..."0123456789.-+eEPFUAL, "), maxLength: 12 }),
);
const record = fc.constantFrom("HB", "O2", "ECG", "BAG", "TMP", "VEH", "REQ", "XYZ", "", "hb");
const checksumValid = fc
  .tuple(record, fc.array(fieldText, { maxLength: 7 }), fc.boolean())
  .map(([kind, fields, lower]) => {
    const sentence = frameSentence(["PSOS", kind, ...fields].join(","));
    return lower ? sentence.slice(0, -2) + sentence.slice(-2).toLowerCase() : sentence;
  });

/** Valid sentences as the emulated controller writes them, every scenario. */
const emulated = Object.values(scenarios).flatMap((scenario) => {
  const model = new ControllerModel(scenario);
  return [0, 1, 2, 30, 61].flatMap((t) => model.tick(t).map((line) => line.text));
});
const validSentence = fc.constantFrom(...emulated.filter((line) => decodePsos(line).ok));

describe("the $PSOS codec, property by property", () => {
  it(
    "accepts only records of the contract, each with one canonical sentence",
    () => {
      fc.assert(
        fc.property(checksumValid, (line) => {
          const result = decodePsos(line);
          if (!result.ok) {
            expect(result.detail.startsWith("decoder error")).toBe(false);
            return;
          }
          expect(psosRecordSchema.safeParse(result.record).success).toBe(true);
          const canonical = encodePsos(result.record);
          expect(decodePsos(canonical)).toEqual(result);
          expect(encodePsos((decodePsos(canonical) as { record: typeof result.record }).record)).toBe(
            canonical,
          );
        }),
        { numRuns: propertyRuns(2000) },
      );
    },
    propertyTimeoutMs,
  );

  it(
    "still decodes every sentence behind noise at the start of a line, and sentences glued together",
    () => {
      const noise = fc
        .string({ unit: "binary-ascii", maxLength: 40 })
        .map((text) => text.replaceAll("$", ""));
      fc.assert(
        fc.property(noise, fc.array(validSentence, { minLength: 1, maxLength: 5 }), (junk, sentences) => {
          const decoded = splitPsosCandidates(junk + sentences.join(""))
            .map(decodePsos)
            .filter((r) => r.ok);
          expect(decoded).toEqual(sentences.map((sentence) => decodePsos(sentence)));
        }),
        { numRuns: propertyRuns(500) },
      );
    },
    propertyTimeoutMs,
  );
});
