/**
 * How long to wait before reloading a crashed or hung screen: 1 s, 2 s, 4 s … capped at 30 s.
 * A renderer that crashes on load (a bad build, a GPU driver fault) must not spin the CPU at 100 %,
 * yet the doctor must get the screen back within seconds after a one-off crash. So the delay doubles
 * while failures follow each other and starts again from 1 s once the screen has stayed healthy for
 * 60 s. Pure: the caller passes `now` (epoch or monotonic ms, as long as it is always the same one).
 */
export interface ReloadBackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** Healthy time after which the next failure is treated as the first one again. */
  resetAfterHealthyMs?: number;
}

export class ReloadBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly resetAfterHealthyMs: number;
  private failures = 0;
  private healthySince: number | null = null;

  constructor(options: ReloadBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1_000;
    this.maxMs = options.maxMs ?? 30_000;
    this.resetAfterHealthyMs = options.resetAfterHealthyMs ?? 60_000;
  }

  /** Records a crash or a hang and returns how long to wait before reloading. */
  failure(now: number): number {
    if (this.healthySince !== null && now - this.healthySince >= this.resetAfterHealthyMs) this.failures = 0;
    this.healthySince = null;
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** this.failures);
    this.failures += 1;
    return delay;
  }

  /** The screen loaded and works: from now on it counts towards the reset. */
  healthy(now: number): void {
    if (this.healthySince === null) this.healthySince = now;
  }

  /** Failures since the last reset (for the logs). */
  get consecutiveFailures(): number {
    return this.failures;
  }
}
