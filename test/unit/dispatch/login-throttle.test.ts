import { describe, expect, it } from "vitest";
import { LoginThrottle } from "../../../apps/dispatch/login-throttle.ts";

const minute = 60_000;

/** One login attempt: reserve, then report the outcome as the route does. */
function attempt(throttle: LoginThrottle, address: string, username: string, ok: boolean, now: number) {
  const decision = throttle.reserve(address, username, now);
  if (!decision.allowed) return decision;
  if (ok) throttle.succeeded(address, username);
  else throttle.failed(address, username, now);
  return decision;
}

describe("operators' login throttle", () => {
  it("locks an address and name for 15 min after 5 wrong passwords, the right one included", () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 5; i++) expect(attempt(throttle, "10.0.0.9", "claire", false, i).allowed).toBe(true);
    expect(attempt(throttle, "10.0.0.9", "claire", true, 10)).toEqual({
      allowed: false,
      retryAfterMs: 15 * minute - 6,
    });
    expect(attempt(throttle, "10.0.0.9", "claire", true, 15 * minute + 10).allowed).toBe(true);
  });

  it("does not lock the same name at another address (a lockout would be a denial of service)", () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 6; i++) attempt(throttle, "10.0.0.66", "claire", false, i);
    expect(attempt(throttle, "10.0.0.9", "claire", true, 10).allowed).toBe(true);
  });

  it("a good password forgives its own name, not an address sweeping through names", () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 4; i++) attempt(throttle, "10.0.0.9", "claire", false, i);
    attempt(throttle, "10.0.0.9", "claire", true, 5);
    for (let i = 0; i < 4; i++)
      expect(attempt(throttle, "10.0.0.9", "claire", false, 10 + i).allowed).toBe(true);
    // 30 wrong passwords from one address over many names lock the address.
    const sweep = new LoginThrottle();
    for (let i = 0; i < 30; i++) expect(attempt(sweep, "10.6.6.6", `user${i}`, false, i).allowed).toBe(true);
    expect(attempt(sweep, "10.6.6.6", "claire", true, 100).allowed).toBe(false);
    expect(attempt(sweep, "10.0.0.9", "claire", true, 100).allowed).toBe(true);
  });

  it("counts an attempt before the comparison: parallel guesses get no more than 5", () => {
    const throttle = new LoginThrottle();
    const reserved = Array.from({ length: 20 }, () => throttle.reserve("10.0.0.9", "claire", 0));
    expect(reserved.filter((d) => d.allowed)).toHaveLength(5);
  });

  it("keeps a bounded memory", () => {
    const throttle = new LoginThrottle({
      perPair: { maxAttempts: 5, lockMs: 15 * minute },
      perAddress: { maxAttempts: 30, lockMs: 15 * minute },
      maxEntries: 100,
    });
    for (let i = 0; i < 10_000; i++) attempt(throttle, `10.1.${i >> 8}.${i & 255}`, "x", false, i);
    // The oldest entries were dropped: the first address may try again, the last one is counted.
    expect(attempt(throttle, "10.1.0.0", "x", false, 20_000).allowed).toBe(true);
  });
});
