import { describe, expect, it } from "vitest";
import {
  afterWrongPin,
  defaultLockoutRules,
  type LockoutState,
  reserveAttempt,
  unlocked,
} from "../../../../src/domain/lockout.ts";
import { formatRpps, isValidRpps, rppsCheckDigit } from "../../../../src/domain/shifts/rpps.ts";

describe("RPPS numbers", () => {
  it("accepts a published practitioner number and the fictitious roster of bdx-07", () => {
    for (const rpps of ["10005173140", "19999900012", "19999900020", "19999900038"])
      expect(isValidRpps(rpps), rpps).toBe(true);
  });

  it("refuses a single-digit typo, a swap of neighbours, and anything but 11 digits", () => {
    expect(isValidRpps("10005173141")).toBe(false);
    expect(isValidRpps("10005713140")).toBe(false);
    expect(isValidRpps("1000517314")).toBe(false);
    expect(isValidRpps("100051731400")).toBe(false);
    expect(isValidRpps("1000517314a")).toBe(false);
    expect(isValidRpps(" 10005173140")).toBe(false);
  });

  it("computes the key that completes ten digits", () => {
    expect(rppsCheckDigit("1000517314")).toBe(0);
    expect(rppsCheckDigit("1999990003")).toBe(8);
    expect(() => rppsCheckDigit("123")).toThrow(RangeError);
    expect(formatRpps("10005173140")).toBe("100 0517 3140");
  });
});

describe("doctor PIN lockout", () => {
  const rules = defaultLockoutRules;
  const t0 = Date.parse("2026-11-23T20:00:00Z");

  /** n wrong PINs in a row from `state`, returning the final state and last failure. */
  function fail(state: LockoutState, n: number, now: number) {
    let current = state;
    let last: ReturnType<typeof afterWrongPin> | null = null;
    for (let i = 0; i < n; i++) {
      const attempt = reserveAttempt(current, now, rules);
      if (!attempt.allowed) return { state: attempt.state, last, refused: true };
      last = afterWrongPin(attempt.state, now, rules);
      current = last.state;
    }
    return { state: current, last, refused: false };
  }

  it("locks for 15 minutes after the fifth wrong PIN, counting down the attempts left", () => {
    const four = fail(unlocked, 4, t0);
    expect(four.last).toMatchObject({ locked: false, attemptsLeft: 1 });
    const five = fail(four.state, 1, t0);
    expect(five.last).toMatchObject({ locked: true, until: t0 + 15 * 60_000 });
    expect(reserveAttempt(five.state, t0 + 14 * 60_000, rules)).toMatchObject({ allowed: false });
  });

  it("gives a fresh series of five once the lockout is over", () => {
    const locked = fail(unlocked, 5, t0).state;
    const after = reserveAttempt(locked, t0 + 15 * 60_000, rules);
    expect(after).toEqual({ allowed: true, state: { failedAttempts: 1, lockedUntil: null } });
  });

  it("counts parallel guesses before their comparison: the sixth is refused and locks", () => {
    let state = unlocked;
    for (let i = 0; i < 5; i++) {
      const attempt = reserveAttempt(state, t0, rules);
      expect(attempt.allowed).toBe(true);
      state = attempt.state;
    }
    const sixth = reserveAttempt(state, t0, rules);
    expect(sixth).toMatchObject({ allowed: false, until: t0 + rules.lockMs });
  });

  it("never locks for longer than one lockout when the clock went back", () => {
    const future = { failedAttempts: 5, lockedUntil: t0 + 10 * 3_600_000 };
    const decision = reserveAttempt(future, t0, rules);
    expect(decision).toMatchObject({ allowed: false, until: t0 + rules.lockMs });
  });
});
