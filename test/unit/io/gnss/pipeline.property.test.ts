/**
 * Property tests: whatever arrives on the serial line, the pipeline never throws and never emits a
 * fix with NaN, -0 or out-of-range values. Inputs are random latin1 lines and real sentences from
 * the gpsd corpus, mutated the way a noisy line mutates them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Fix } from "../../../../src/domain/gnss/fix.ts";
import { GnssPipeline } from "../../../../src/io/gnss/gnss-pipeline.ts";

const gpsdDir = resolve(import.meta.dirname, "../../../fixtures/nmea/gpsd");
const realSentences = readdirSync(gpsdDir)
  .filter((f) => f.endsWith(".log"))
  .flatMap((f) =>
    readFileSync(resolve(gpsdDir, f))
      .toString("latin1")
      .split(/\r\n|\r|\n/),
  )
  .filter((line) => /^\$(G.|BD|QZ)(RMC|GGA|GSA|GSV|VTG|GLL|ZDA|GNS),/.test(line));

const latin1Char = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
const latin1Line = fc.array(latin1Char, { maxLength: 256 }).map((chars) => chars.join(""));
const realSentence = fc.constantFrom(...realSentences);

/** Mutations seen on real serial lines: bit flips, truncation, splicing, lost fields. */
const mutated = fc.oneof(
  fc.tuple(realSentence, fc.nat(), fc.integer({ min: 0, max: 7 })).map(([s, at, bit]) => {
    const i = at % Math.max(1, s.length);
    return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << bit)) + s.slice(i + 1);
  }),
  fc.tuple(realSentence, fc.nat()).map(([s, at]) => s.slice(0, at % (s.length + 1))),
  fc.tuple(realSentence, realSentence, fc.nat()).map(([a, b, at]) => a.slice(0, at % (a.length + 1)) + b),
  fc.tuple(realSentence, fc.nat()).map(([s, n]) => {
    const fields = s.split(",");
    fields.splice(1 + (n % Math.max(1, fields.length - 1)), 1);
    return fields.join(",");
  }),
  fc.tuple(realSentence, fc.nat()).map(([s, n]) => {
    // Empty one field but keep the checksum right: decoders must cope with valid-looking gaps.
    const star = s.lastIndexOf("*");
    const body = s.slice(1, star < 0 ? undefined : star).split(",");
    body[1 + (n % Math.max(1, body.length - 1))] = "";
    const text = body.join(",");
    let sum = 0;
    for (let i = 0; i < text.length; i++) sum ^= text.charCodeAt(i);
    return `$${text}*${sum.toString(16).toUpperCase().padStart(2, "0")}`;
  }),
);

function assertValid(fix: Fix): void {
  const numbers = [fix.lat, fix.lon, fix.alt, fix.speed, fix.heading, fix.sats, fix.hdop].filter(
    (v): v is number => v !== undefined,
  );
  for (const v of numbers) {
    expect(Number.isFinite(v)).toBe(true);
    expect(Object.is(v, -0)).toBe(false);
  }
  expect(Math.abs(fix.lat)).toBeLessThanOrEqual(90);
  expect(Math.abs(fix.lon)).toBeLessThanOrEqual(180);
  expect(fix.lat === 0 && fix.lon === 0).toBe(false);
  if (fix.heading !== undefined) expect(fix.heading >= 0 && fix.heading < 360).toBe(true);
  if (fix.speed !== undefined) expect(fix.speed).toBeGreaterThanOrEqual(0);
  expect(Number.isNaN(Date.parse(fix.fixTime))).toBe(false);
  expect(["2d", "3d", "dgps", "rtk", "estimated"]).toContain(fix.fix);
}

function feed(lines: string[]): void {
  const pipeline = new GnssPipeline({ referenceDate: "2020-01-01" });
  const fixes: Fix[] = [];
  lines.forEach((line, i) => {
    let out: Fix[] = [];
    expect(() => {
      out = pipeline.push(line, i);
    }).not.toThrow();
    fixes.push(...out);
  });
  fixes.push(...pipeline.flush());
  fixes.forEach(assertValid);
  for (const n of Object.values(pipeline.counts())) expect(Number.isInteger(n) && n > 0).toBe(true);
}

describe("GNSS pipeline properties", () => {
  it("has real sentences to mutate", () => {
    expect(realSentences.length).toBeGreaterThan(5_000);
  });

  it("never throws and never emits an invalid fix on random latin1 lines", () => {
    fc.assert(fc.property(fc.array(latin1Line, { maxLength: 30 }), feed), { numRuns: 300 });
  });

  it("never throws and never emits an invalid fix on mutated real sentences", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(realSentence, mutated, latin1Line), { minLength: 1, maxLength: 60 }),
        feed,
      ),
      { numRuns: 500 },
    );
  });
});
