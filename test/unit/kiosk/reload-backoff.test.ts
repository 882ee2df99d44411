import { describe, expect, it } from "vitest";
import { PollBackoff } from "../../../apps/kiosk/main/core-waiter.ts";
import { ReloadBackoff } from "../../../apps/kiosk/main/reload-backoff.ts";

describe("reload backoff", () => {
  it("doubles from 1 s and stops at 30 s", () => {
    const backoff = new ReloadBackoff();
    const delays = Array.from({ length: 8 }, (_, i) => backoff.failure(i * 1_000));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it("starts again from 1 s only after 60 s of health", () => {
    const backoff = new ReloadBackoff();
    backoff.failure(0);
    backoff.failure(1_000);
    backoff.healthy(10_000);
    expect(backoff.failure(69_999)).toBe(4_000);
    backoff.healthy(80_000);
    expect(backoff.failure(140_000)).toBe(1_000);
    expect(backoff.consecutiveFailures).toBe(1);
  });

  it("does not count health that started before the last failure", () => {
    const backoff = new ReloadBackoff();
    backoff.healthy(0);
    backoff.failure(100_000);
    expect(backoff.failure(200_000)).toBe(2_000);
  });
});

describe("core poll backoff", () => {
  it("polls quickly at first, then every 3 s at most", () => {
    const poll = new PollBackoff();
    const delays = Array.from({ length: 9 }, () => poll.next());
    expect(delays).toEqual([250, 375, 563, 845, 1268, 1902, 2853, 3000, 3000]);
    poll.reset();
    expect(poll.next()).toBe(250);
  });
});
