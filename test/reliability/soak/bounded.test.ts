/** The soak's "stays bounded" rule (bounded.ts), on made-up series whose answer is known. */
import { describe, expect, it } from "vitest";
import { boundRules, judgeBounded, mb, type Point, slope } from "./bounded.ts";

const series = (hours: number, value: (hour: number) => number): Point[] =>
  Array.from({ length: hours * 12 + 1 }, (_, i) => ({ hour: i / 12, value: value(i / 12) }));

describe("the bounded rule", () => {
  it("accepts a flat series with a garbage-collector sawtooth", () => {
    const points = series(24, (h) => 120 * mb + ((h * 12) % 5) * 3 * mb);
    expect(judgeBounded(points, 24, boundRules.rss).ok).toBe(true);
  });

  it("ignores the warm-up, however steep", () => {
    const points = series(24, (h) => (h < 2 ? 40 * mb + h * 40 * mb : 120 * mb));
    expect(judgeBounded(points, 24, boundRules.rss).ok).toBe(true);
  });

  it("refuses a leak of 3 MB an hour over a 24 h shift", () => {
    const verdict = judgeBounded(
      series(24, (h) => 120 * mb + h * 3 * mb),
      24,
      boundRules.rss,
    );
    expect(verdict.ok).toBe(false);
    expect(verdict.slopePerHour).toBeCloseTo(3 * mb, -3);
  });

  it("refuses one descriptor leaked per 90-minute visit", () => {
    const verdict = judgeBounded(
      series(24, (h) => 30 + Math.floor(h / 1.5)),
      24,
      boundRules.fds,
    );
    expect(verdict.ok).toBe(false);
    expect(verdict.last - verdict.afterWarmup).toBeGreaterThan(3);
  });

  it("judges a short run with a sample per window", () => {
    const points = [0, 0.2, 0.5, 0.8, 1.02].map((hour) => ({ hour, value: 30 }));
    expect(judgeBounded(points, 1, boundRules.fds)).toMatchObject({ ok: true, finalMax: 30, last: 30 });
  });

  it("computes a least-squares slope", () => {
    expect(
      slope([
        { hour: 0, value: 1 },
        { hour: 1, value: 3 },
        { hour: 2, value: 5 },
      ]),
    ).toBeCloseTo(2);
  });
});
