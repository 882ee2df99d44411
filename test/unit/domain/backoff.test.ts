import { describe, expect, it } from "vitest";
import { type BackoffPolicy, nextBackoffMs } from "../../../src/domain/backoff.ts";

/** The sequence of delays of `count` consecutive failed attempts, from the first one. */
function delays(policy: BackoffPolicy, count: number): number[] {
  const out = [policy.initialMs];
  while (out.length < count) out.push(nextBackoffMs(out.at(-1) ?? policy.initialMs, policy));
  return out;
}

describe("nextBackoffMs", () => {
  it("grows a serial port's delay ×1.5 from 1 s and stops at 30 s", () => {
    const serial = { initialMs: 1000, factor: 1.5, maxMs: 30_000 };
    expect(delays(serial, 11)).toEqual([
      1000, 1500, 2250, 3375, 5062.5, 7593.75, 11390.625, 17085.9375, 25628.90625, 30_000, 30_000,
    ]);
  });

  it("doubles the broker link's delay from 1 s and stops at 60 s", () => {
    const broker = { initialMs: 1000, factor: 2, maxMs: 60_000 };
    expect(delays(broker, 9)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it("brings a delay above the cap back to the cap", () => {
    expect(nextBackoffMs(90_000, { initialMs: 1000, factor: 1.5, maxMs: 30_000 })).toBe(30_000);
  });

  it("keeps a constant delay with a factor of 1", () => {
    expect(delays({ initialMs: 200, factor: 1, maxMs: 1000 }, 4)).toEqual([200, 200, 200, 200]);
  });
});
