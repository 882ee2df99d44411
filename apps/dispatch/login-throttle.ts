/**
 * Throttles the operators' password guesses. Two rules, both from src/domain/lockout.ts:
 * - per (address, username): 5 wrong passwords lock that pair for 15 min. Keyed on the pair, not the
 *   name alone, so that someone guessing from another machine cannot lock the regulator out of her
 *   own workstation in the middle of a night (an account lockout is a denial of service too).
 * - per address: 30 wrong passwords, whatever the names, lock that address for 15 min, so that one
 *   machine cannot walk through a list of usernames.
 * An attempt is counted before the slow scrypt comparison (parallel guesses get no more tries) and a
 * good password forgives only its own pair. Kept in memory: a restart of dispatch forgives everyone,
 * which an attacker cannot cause. The maps are bounded, the oldest entry goes first.
 */
import {
  afterWrongPin,
  type LockoutRules,
  type LockoutState,
  reserveAttempt,
  unlocked,
} from "../../src/domain/lockout.ts";

export interface LoginThrottleRules {
  perPair: LockoutRules;
  perAddress: LockoutRules;
  /** Entries kept per map at most (default 10,000). */
  maxEntries: number;
}

export const defaultLoginThrottleRules: LoginThrottleRules = {
  perPair: { maxAttempts: 5, lockMs: 15 * 60_000 },
  perAddress: { maxAttempts: 30, lockMs: 15 * 60_000 },
  maxEntries: 10_000,
};

export type LoginAttempt = { allowed: true } | { allowed: false; retryAfterMs: number };

class LockoutTable {
  private readonly states = new Map<string, LockoutState>();

  constructor(
    private readonly rules: LockoutRules,
    private readonly maxEntries: number,
  ) {}

  reserve(key: string, now: number): LoginAttempt {
    const decision = reserveAttempt(this.states.get(key) ?? unlocked, now, this.rules);
    this.set(key, decision.state);
    return decision.allowed ? { allowed: true } : { allowed: false, retryAfterMs: decision.until - now };
  }

  failed(key: string, now: number): void {
    const state = this.states.get(key);
    if (state) this.set(key, afterWrongPin(state, now, this.rules).state);
  }

  /** Gives back an attempt that was reserved but not made (the other table refused it). */
  release(key: string): void {
    const state = this.states.get(key);
    if (state && state.failedAttempts > 0 && state.lockedUntil === null)
      this.set(key, { failedAttempts: state.failedAttempts - 1, lockedUntil: null });
  }

  forgive(key: string): void {
    this.states.delete(key);
  }

  private set(key: string, state: LockoutState): void {
    this.states.delete(key); // re-insert: Map order is then least recently touched first
    if (state.failedAttempts === 0 && state.lockedUntil === null) return;
    this.states.set(key, state);
    if (this.states.size > this.maxEntries) {
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) this.states.delete(oldest);
    }
  }
}

export class LoginThrottle {
  private readonly pairs: LockoutTable;
  private readonly addresses: LockoutTable;

  constructor(rules: LoginThrottleRules = defaultLoginThrottleRules) {
    this.pairs = new LockoutTable(rules.perPair, rules.maxEntries);
    this.addresses = new LockoutTable(rules.perAddress, rules.maxEntries);
  }

  /** Before the password is compared: refused while either the pair or the address is locked. */
  reserve(address: string, username: string, now: number): LoginAttempt {
    const pair = pairKey(address, username);
    const byAddress = this.addresses.reserve(address, now);
    if (!byAddress.allowed) return byAddress;
    const byPair = this.pairs.reserve(pair, now);
    if (!byPair.allowed) this.addresses.release(address);
    return byPair;
  }

  failed(address: string, username: string, now: number): void {
    this.pairs.failed(pairKey(address, username), now);
    this.addresses.failed(address, now);
  }

  succeeded(address: string, username: string): void {
    this.pairs.forgive(pairKey(address, username));
    // The address keeps its count: one good password must not reset a sweep over other names.
    this.addresses.release(address);
  }
}

const pairKey = (address: string, username: string) => `${address}\u0000${username.slice(0, 128)}`;
