/**
 * The `$PSOS` codec: encode → decode is the identity for every record kind, and every malformed
 * variant is rejected with its reason, never thrown (PROTOCOL.md B: counted, logged, skipped).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { frameSentence } from "../../src/contracts/nmea-framing.ts";
import type { PsosRecord } from "../../src/contracts/psos.ts";
import {
  decodePsos,
  encodePsos,
  type PsosRejection,
  psosMaxLength,
  reqAllSentence,
  splitPsosCandidates,
} from "../src/psos-codec.ts";

const slot = fc.integer({ min: 0, max: 99 });
const flag = fc.boolean();
/** Values with at most two decimals, as the contract allows. */
const hundredths = (min: number, max: number) =>
  fc.integer({ min: Math.round(min * 100), max: Math.round(max * 100) }).map((n) => n / 100);
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const recordArbitraries: Record<PsosRecord["record"], fc.Arbitrary<PsosRecord>> = {
  HB: fc.record({
    record: fc.constant("HB" as const),
    uptime_s: fc.integer({ min: 0, max: 4_294_967_295 }),
    fw_version: fc.stringMatching(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$/),
  }),
  O2: fc.record({
    record: fc.constant("O2" as const),
    slot,
    pressure_bar: nullable(hundredths(0, 300)),
    flow_lpm: nullable(hundredths(0, 25)),
  }),
  ECG: fc.record({
    record: fc.constant("ECG" as const),
    slot,
    battery_pct: nullable(fc.integer({ min: 0, max: 100 })),
    selftest: fc.constantFrom("pass" as const, "fail" as const, "unknown" as const),
    charging: flag,
    docked: flag,
  }),
  BAG: fc.record({ record: fc.constant("BAG" as const), slot, present: flag }),
  TMP: fc.record({ record: fc.constant("TMP" as const), slot, celsius: nullable(hundredths(-40, 85)) }),
  VEH: fc.record({
    record: fc.constant("VEH" as const),
    ignition: flag,
    supply_mV: nullable(fc.integer({ min: 0, max: 30_000 })),
  }),
  REQ: fc.constant({ record: "REQ" as const, what: "ALL" as const }),
};
const anyRecord = fc.oneof(...Object.values(recordArbitraries));

function rejection(line: string): PsosRejection | "accepted" {
  const result = decodePsos(line);
  return result.ok ? "accepted" : result.reason;
}

describe("encodePsos → decodePsos", () => {
  for (const [kind, arbitrary] of Object.entries(recordArbitraries)) {
    it(`gives back every ${kind} record unchanged`, () => {
      fc.assert(
        fc.property(arbitrary, (record) => {
          expect(decodePsos(encodePsos(record))).toEqual({ ok: true, record });
        }),
      );
    });
  }

  it("writes short, printable sentences with an upper-case checksum and no line end", () => {
    fc.assert(
      fc.property(anyRecord, (record) => {
        const line = encodePsos(record);
        expect(line.length).toBeLessThanOrEqual(psosMaxLength);
        expect(line).toMatch(/^\$PSOS,[A-Z0-9]+,[ -~]*\*[0-9A-F]{2}$/);
      }),
    );
  });

  it("rejects any single-character corruption of a valid sentence", () => {
    const corruption = anyRecord.chain((record) => {
      const line = encodePsos(record);
      return fc.tuple(fc.constant(line), fc.nat(line.length - 1), fc.integer({ min: 0, max: 255 }));
    });
    fc.assert(
      fc.property(corruption, ([line, index, code]) => {
        const original = line.charCodeAt(index);
        // Changing a checksum digit's case keeps the same checksum: lower-case hex is accepted.
        const sameDigit = index >= line.length - 2 && String.fromCharCode(code).toUpperCase() === line[index];
        fc.pre(code !== original && !sameDigit);
        const corrupted = line.slice(0, index) + String.fromCharCode(code) + line.slice(index + 1);
        expect(decodePsos(corrupted).ok).toBe(false);
      }),
    );
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: "binary", maxLength: 120 }), fc.string({ maxLength: 120 })),
        (text) => {
          const result = decodePsos(`$PSOS,${text}`);
          expect(typeof result.ok).toBe("boolean");
          decodePsos(text);
        },
      ),
    );
    for (const weird of [undefined, null, 42, {}] as unknown as string[]) {
      expect(decodePsos(weird)).toMatchObject({ ok: false, reason: "not_psos" });
    }
  });

  it("refuses to encode a record outside the contract", () => {
    expect(() => encodePsos({ record: "O2", slot: 1, pressure_bar: 301, flow_lpm: 0 })).toThrow(RangeError);
    expect(() => encodePsos({ record: "TMP", slot: 1, celsius: 0.1 + 0.2 })).toThrow(/two decimals/);
  });
});

describe("decodePsos", () => {
  it("decodes the table's example sentences", () => {
    expect(decodePsos("$PSOS,O2,1,186.5,0*47")).toEqual({
      ok: true,
      record: { record: "O2", slot: 1, pressure_bar: 186.5, flow_lpm: 0 },
    });
    expect(decodePsos(frameSentence("PSOS,ECG,1,92,F,0,1"))).toEqual({
      ok: true,
      record: { record: "ECG", slot: 1, battery_pct: 92, selftest: "fail", charging: false, docked: true },
    });
    expect(decodePsos(reqAllSentence)).toEqual({ ok: true, record: { record: "REQ", what: "ALL" } });
    expect(reqAllSentence).toBe("$PSOS,REQ,ALL*18");
  });

  it("decodes an empty measurement as null (sensor not reading), never 0", () => {
    expect(decodePsos(frameSentence("PSOS,O2,1,,"))).toEqual({
      ok: true,
      record: { record: "O2", slot: 1, pressure_bar: null, flow_lpm: null },
    });
    expect(decodePsos(frameSentence("PSOS,VEH,0,"))).toMatchObject({ ok: true, record: { supply_mV: null } });
  });

  it("accepts lower-case checksum digits and reads -0 as 0", () => {
    const line = frameSentence("PSOS,TMP,2,-0.0");
    expect(decodePsos(line.toLowerCase().replace("$psos,tmp", "$PSOS,TMP"))).toEqual({
      ok: true,
      record: { record: "TMP", slot: 2, celsius: 0 },
    });
  });

  const cases: Array<[string, string, PsosRejection]> = [
    ["another talker", "$GPRMC,123519,A*6A", "not_psos"],
    ["no $", "PSOS,HB,1,1.0*00", "not_psos"],
    ["an empty line", "", "not_psos"],
    ["a prefix that only starts like PSOS", frameSentence("PSOSX,HB,1,1.0"), "not_psos"],
    ["81 characters", frameSentence(`PSOS,HB,1,${"9".repeat(67)}`), "too_long"],
    ["a NUL byte", frameSentence("PSOS,HB,1,1\u0000"), "not_printable"],
    ["a latin1 byte", frameSentence("PSOS,HB,1,1.0\u00e2"), "not_printable"],
    ["a tab", frameSentence("PSOS,BAG,1,\t1"), "not_printable"],
    ["a truncated line", "$PSOS,O2,1,186.5", "no_checksum"],
    ["one checksum digit", "$PSOS,O2,1,186.5,0*4", "no_checksum"],
    ["non-hex checksum", "$PSOS,O2,1,186.5,0*G7", "no_checksum"],
    ["trailing space", "$PSOS,O2,1,186.5,0*47 ", "no_checksum"],
    ["a wrong checksum", "$PSOS,O2,1,186.5,0*48", "bad_checksum"],
    ["two sentences run together", frameSentence("PSOS,HB,1,1.0*00$PSOS,BAG,1,1"), "malformed"],
    ["an unknown record", frameSentence("PSOS,XYZ,1,2"), "unknown_record"],
    ["a lower-case record", frameSentence("PSOS,o2,1,186.5,0"), "unknown_record"],
    ["an empty record", frameSentence("PSOS,"), "unknown_record"],
    ["a missing field", frameSentence("PSOS,O2,1,186.5"), "field_count"],
    ["an extra field", frameSentence("PSOS,BAG,1,1,0"), "field_count"],
    ["REQ without a target", frameSentence("PSOS,REQ"), "field_count"],
    ["REQ of something else", frameSentence("PSOS,REQ,O2"), "bad_field"],
    ["pressure above 300 bar", frameSentence("PSOS,O2,1,300.01,0"), "bad_field"],
    ["a negative pressure", frameSentence("PSOS,O2,1,-1,0"), "bad_field"],
    ["flow above 25 L/min", frameSentence("PSOS,O2,1,100,25.5"), "bad_field"],
    ["battery above 100 %", frameSentence("PSOS,ECG,1,101,P,1,1"), "bad_field"],
    ["a fractional battery", frameSentence("PSOS,ECG,1,50.5,P,1,1"), "bad_field"],
    ["self-test X", frameSentence("PSOS,ECG,1,90,X,1,1"), "bad_field"],
    ["self-test in lower case", frameSentence("PSOS,ECG,1,90,p,1,1"), "bad_field"],
    ["a flag of 2", frameSentence("PSOS,BAG,1,2"), "bad_field"],
    ["an empty flag", frameSentence("PSOS,BAG,1,"), "bad_field"],
    ["an empty slot", frameSentence("PSOS,BAG,,1"), "bad_field"],
    ["slot 100", frameSentence("PSOS,BAG,100,1"), "bad_field"],
    ["a negative slot", frameSentence("PSOS,BAG,-1,1"), "bad_field"],
    ["-40.5 °C", frameSentence("PSOS,TMP,1,-40.5"), "bad_field"],
    ["85.1 °C", frameSentence("PSOS,TMP,1,85.1"), "bad_field"],
    ["30001 mV", frameSentence("PSOS,VEH,1,30001"), "bad_field"],
    ["fractional millivolts", frameSentence("PSOS,VEH,1,12000.5"), "bad_field"],
    ["a word for a number", frameSentence("PSOS,O2,1,abc,0"), "bad_field"],
    ["an exponent", frameSentence("PSOS,O2,1,1e2,0"), "bad_field"],
    ["hex", frameSentence("PSOS,O2,1,0x1F,0"), "bad_field"],
    ["a plus sign", frameSentence("PSOS,O2,1,+5,0"), "bad_field"],
    ["a space before a number", frameSentence("PSOS,O2,1, 5,0"), "bad_field"],
    ["NaN", frameSentence("PSOS,TMP,1,NaN"), "bad_field"],
    ["Infinity", frameSentence("PSOS,TMP,1,Infinity"), "bad_field"],
    ["three decimals", frameSentence("PSOS,TMP,1,4.125"), "bad_field"],
    ["a negative uptime", frameSentence("PSOS,HB,-1,1.0"), "bad_field"],
    ["an uptime beyond 32 bits", frameSentence("PSOS,HB,4294967296,1.0"), "bad_field"],
    ["an empty firmware version", frameSentence("PSOS,HB,1,"), "bad_field"],
    ["a firmware version with a space", frameSentence("PSOS,HB,1,1.0 beta"), "bad_field"],
  ];
  it.each(cases)("rejects %s", (_what, line, reason) => {
    const result = decodePsos(line);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.detail.length).toBeGreaterThan(0);
  });

  it("names the offending field in the detail", () => {
    expect(decodePsos(frameSentence("PSOS,O2,1,301,0"))).toMatchObject({
      detail: expect.stringMatching(/pressure_bar/),
    });
    expect(decodePsos(frameSentence("PSOS,ECG,1,90,X,1,1"))).toMatchObject({
      detail: expect.stringMatching(/selftest/),
    });
  });
});

describe("splitPsosCandidates", () => {
  it("separates noise glued in front of a sentence, so the sentence still decodes", () => {
    const hb = encodePsos({ record: "HB", uptime_s: 12, fw_version: "1.4.2" });
    const pieces = splitPsosCandidates(`\u0016\u00c2HA\u00aeN${hb}`);
    expect(pieces).toEqual(["\u0016\u00c2HA\u00aeN", hb]);
    expect(pieces.map(rejection)).toEqual(["not_psos", "accepted"]);
  });

  it("drops blank pieces and keeps a lone sentence whole", () => {
    expect(splitPsosCandidates("  ")).toEqual([]);
    expect(splitPsosCandidates(reqAllSentence)).toEqual([reqAllSentence]);
    expect(splitPsosCandidates("$A$B")).toEqual(["$A", "$B"]);
  });
});

describe("firmware-bridge/PROTOCOL.md", () => {
  it("has correct checksums in its examples, and its bad examples fail for the reason it gives", () => {
    const doc = readFileSync(new URL("../PROTOCOL.md", import.meta.url), "utf8");
    // Every inline-code sentence; a bad example is followed by "→ `reason`".
    const examples = [...doc.matchAll(/`(\$PSOS,[^`]+)`(?:\s+→\s+`([a-z_]+)`)?/g)];
    expect(examples.length).toBeGreaterThan(10);
    for (const [, line = "", reason] of examples) {
      expect({ line, verdict: rejection(line) }).toEqual({ line, verdict: reason ?? "accepted" });
    }
  });
});
