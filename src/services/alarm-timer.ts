/**
 * The ONE timer of the alarm service: armed for the earliest stored deadline (wall-clock epoch ms),
 * whatever it belongs to. Timers are injectable so that tests drive time.
 *
 * Deadlines are wall-clock because only the wall clock survives a restart. A delay is recomputed
 * from the clock at each arm, and long waits are armed in steps of at most an hour, so that a
 * corrected system clock is taken into account at the latest an hour later (a forward correction
 * makes a deadline fire early, which is the safe side for an alarm).
 */

export interface AlarmTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const globalTimers: AlarmTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** setTimeout's limit is 2^31-1 ms; an hour also bounds how long a clock correction goes unseen. */
const maxTimerMs = 3_600_000;

export class DeadlineTimer {
  private handle: unknown = null;

  constructor(
    private readonly timers: AlarmTimers,
    private readonly onDue: () => void,
  ) {}

  /** Arms for the earliest of `deadlines` (nulls ignored), at least `minDelayMs` away; none: disarms. */
  armFor(deadlines: ReadonlyArray<number | null>, now: number, minDelayMs = 0): void {
    this.disarm();
    let next: number | null = null;
    for (const deadline of deadlines)
      if (deadline !== null && (next === null || deadline < next)) next = deadline;
    if (next === null) return;
    const delay = Math.min(Math.max(next - now, minDelayMs, 0), maxTimerMs);
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      this.onDue();
    }, delay);
  }

  disarm(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
  }
}
