/**
 * Secret lockout, the one rule for every secret typed at a terminal: the doctor's PIN (issue 10),
 * the technicians' PIN (src/services/technician-checks.ts, docs/architecture.md), and the dispatch
 * operators' passwords (apps/dispatch/login-throttle.ts). After `maxAttempts` consecutive wrong
 * PINs (5) the holder is locked for `lockMs` (15 min); a good PIN resets the count. An attempt is
 * counted BEFORE the slow scrypt comparison and only forgiven by a good PIN, so parallel guesses (the
 * kiosk and the CLI, two taps) never get more than `maxAttempts` tries, and a power cut during the
 * comparison counts as a failure. Pure: the caller stores the state it gets back.
 */

export interface LockoutState {
  readonly failedAttempts: number;
  /** Epoch ms; null when not locked. */
  readonly lockedUntil: number | null;
}

export interface LockoutRules {
  readonly maxAttempts: number;
  readonly lockMs: number;
}

export const defaultLockoutRules: LockoutRules = { maxAttempts: 5, lockMs: 15 * 60_000 };

export type AttemptDecision =
  /** Refused without counting: the lockout runs until `until`. `state` must be stored (it may have changed). */
  | { readonly allowed: false; readonly until: number; readonly state: LockoutState }
  /** Counted: store `state`, then compare the PIN. */
  | { readonly allowed: true; readonly state: LockoutState };

/** Before a comparison: refuse while locked, else count the attempt. */
export function reserveAttempt(state: LockoutState, now: number, rules: LockoutRules): AttemptDecision {
  let { failedAttempts, lockedUntil } = state;
  // The wall clock went back (a car's RTC battery died, then NTP): never lock for more than one
  // lockout from now.
  if (lockedUntil !== null && lockedUntil - now > rules.lockMs) lockedUntil = now + rules.lockMs;
  if (lockedUntil !== null && now < lockedUntil)
    return { allowed: false, until: lockedUntil, state: { failedAttempts, lockedUntil } };
  if (lockedUntil !== null) {
    failedAttempts = 0;
    lockedUntil = null;
  }
  if (failedAttempts >= rules.maxAttempts) {
    // As many guesses as allowed are being compared (or were, when the power was cut): lock now.
    const until = now + rules.lockMs;
    return { allowed: false, until, state: { failedAttempts, lockedUntil: until } };
  }
  return { allowed: true, state: { failedAttempts: failedAttempts + 1, lockedUntil: null } };
}

export type FailureOutcome =
  | { readonly locked: false; readonly attemptsLeft: number; readonly state: LockoutState }
  | { readonly locked: true; readonly until: number; readonly state: LockoutState };

/** After a wrong PIN (the attempt was already counted): lock when it was the last one allowed. */
export function afterWrongPin(state: LockoutState, now: number, rules: LockoutRules): FailureOutcome {
  if (state.failedAttempts < rules.maxAttempts)
    return { locked: false, attemptsLeft: rules.maxAttempts - state.failedAttempts, state };
  const until = now + rules.lockMs;
  return { locked: true, until, state: { failedAttempts: state.failedAttempts, lockedUntil: until } };
}

/** After a good PIN. */
export const unlocked: LockoutState = { failedAttempts: 0, lockedUntil: null };
