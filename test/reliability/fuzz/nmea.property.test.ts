/**
 * Properties of the GNSS chain that test/unit/io/gnss/pipeline.property.test.ts (no throw, no
 * invalid fix on random and mutated lines) does not state:
 * - round trip: any position, time, speed and course the simulated receiver (apps/sim) writes comes
 *   out of the pipeline as one fix with the same values, to the precision of the sentences;
 * - conservation: every candidate sentence of a line is counted exactly once (frame rejection,
 *   ignored sentence, parse error or decoded), whatever the line;
 * - sentences with a *valid* checksum and arbitrary field text (which random bytes almost never
 *   reach) never make the pipeline throw, count an internal error or emit an invalid fix.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DriveSample } from "../../../apps/sim/drive/drive-generator.ts";
import { encodeEpoch } from "../../../apps/sim/drive/nmea-encoder.ts";
import { frameSentence } from "../../../src/contracts/nmea-framing.ts";
import type { Fix } from "../../../src/domain/gnss/fix.ts";
import { GnssPipeline } from "../../../src/io/gnss/gnss-pipeline.ts";
import { splitCandidates } from "../../../src/io/gnss/nmea-frame.ts";
import { propertyRuns, propertyTimeoutMs } from "./property-runs.ts";
import { checkFix, nmeaSeedBlocks } from "./targets/nmea-target.ts";

const tenths = (min: number, max: number) => fc.integer({ min: min * 10, max: max * 10 }).map((n) => n / 10);

/** What a receiver with a fix reports; away from (0, 0), which the gate refuses on purpose. */
const sample: fc.Arbitrary<DriveSample> = fc
  .record({
    // 2020-01-01 .. 2059-12-31, to the hundredth of a second (NMEA's resolution).
    time: fc
      .integer({ min: Date.UTC(2020, 0, 1) / 10, max: Date.UTC(2060, 0, 1) / 10 - 1 })
      .map((n) => n * 10),
    lat: fc.double({ min: -89.9, max: 89.9, noNaN: true }),
    lon: fc.double({ min: -179.9, max: 179.9, noNaN: true }),
    alt: tenths(-400, 9000),
    speed: fc.double({ min: 0, max: 69, noNaN: true }),
    heading: tenths(0, 359.9),
    hasFix: fc.constant(true),
  })
  .filter((s) => Math.abs(s.lat) > 0.01 || Math.abs(s.lon) > 0.01);

function decode(lines: string[]): { fixes: Fix[]; pipeline: GnssPipeline } {
  const pipeline = new GnssPipeline({ referenceDate: "2020-01-01" });
  const fixes = lines.flatMap((line, i) => pipeline.push(line, i));
  fixes.push(...pipeline.flush());
  return { fixes, pipeline };
}

describe("the GNSS pipeline, property by property", () => {
  it(
    "gives back what the simulated receiver wrote: position, time, speed, course, altitude",
    () => {
      fc.assert(
        fc.property(sample, fc.constantFrom("gps" as const, "multi" as const), (s, flavour) => {
          const { fixes } = decode(encodeEpoch(s, flavour));
          expect(fixes).toHaveLength(1);
          const fix = fixes[0] as Fix;
          checkFix(fix);
          expect(fix.fixTime).toBe(new Date(s.time).toISOString());
          // 5 decimals of minutes: 1.7e-7 degree.
          expect(Math.abs(fix.lat - s.lat)).toBeLessThan(2e-7);
          expect(Math.abs(fix.lon - s.lon)).toBeLessThan(2e-7);
          expect(fix.alt).toBeCloseTo(s.alt, 6);
          // Knots to two decimals: 0.005 kn = 0.0026 m/s.
          expect(Math.abs((fix.speed ?? -1) - s.speed)).toBeLessThan(0.003);
          expect(fix.heading).toBeCloseTo(s.heading, 6);
          expect(fix.fix).toBe("3d");
        }),
        { numRuns: propertyRuns(300) },
      );
    },
    propertyTimeoutMs,
  );

  const realLines = nmeaSeedBlocks(200).flatMap((block) => block.split("\r\n"));
  const noisyLine = fc.oneof(
    fc.constantFrom(...realLines),
    fc.string({ unit: "binary-ascii", maxLength: 200 }),
    fc.array(fc.constantFrom(...realLines), { minLength: 2, maxLength: 4 }).map((parts) => parts.join("")),
    fc
      .tuple(fc.constantFrom(...realLines), fc.nat())
      .map(([line, at]) => line.slice(0, at % (line.length + 1))),
  );

  it(
    "counts every candidate sentence exactly once, whatever the line",
    () => {
      fc.assert(
        fc.property(fc.array(noisyLine, { minLength: 1, maxLength: 20 }), (lines) => {
          const { pipeline } = decode(lines);
          const outcomes = Object.entries(pipeline.counts())
            .filter(([key]) => /^(frame|sentence|parse)\./.test(key))
            .reduce((n, [, count]) => n + count, 0);
          const candidates = lines.reduce((n, line) => n + splitCandidates(line.slice(0, 1024)).length, 0);
          expect(outcomes).toBe(candidates);
          expect(pipeline.counts()["internal.error"]).toBeUndefined();
        }),
        { numRuns: propertyRuns(300) },
      );
    },
    propertyTimeoutMs,
  );

  /** Field text as receivers (and broken ones) write it: numbers, signs, letters, nothing. */
  const field = fc.oneof(
    fc.constantFrom("", "A", "V", "N", "S", "E", "W", "M", "T", "K", "D", "R", "F", "P", "-0", "0", "00"),
    fc.stringMatching(/^-?\d{1,12}(\.\d{1,8})?$/),
    fc.string({ unit: fc.constantFrom(..."0123456789.-+eENSWAV "), maxLength: 12 }),
  );
  const validSentence = fc
    .tuple(
      fc.constantFrom("GP", "GN", "GL", "GA", "GB", "BD", "QZ"),
      fc.constantFrom("RMC", "GGA", "GLL", "GNS", "VTG", "ZDA", "GSA", "GSV"),
      fc.array(field, { maxLength: 22 }),
    )
    .map(([talker, type, fields]) => frameSentence([`${talker}${type}`, ...fields].join(",")));

  it(
    "never throws, counts no internal error and emits no invalid fix on checksum-valid sentences",
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(validSentence, fc.constantFrom(...realLines)), { maxLength: 40 }),
          (lines) => {
            const { fixes, pipeline } = decode(lines);
            fixes.forEach(checkFix);
            expect(pipeline.counts()["internal.error"]).toBeUndefined();
          },
        ),
        { numRuns: propertyRuns(400) },
      );
    },
    propertyTimeoutMs,
  );
});
