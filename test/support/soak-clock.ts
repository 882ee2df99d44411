/**
 * Accelerated time for the soak (issue 9): the real core runs under libfaketime (Debian package
 * `faketime`), preloaded with `FAKETIME="+0 xRATE"`: from the moment the process starts, its wall
 * clock AND its monotonic clock run RATE times faster. libuv reads both through clock_gettime, so
 * every timer of the core (retention every hour, outbox retries, MQTT keepalive, presence, equipment
 * link timeouts, the lone-worker timer, the patient-data purge after 24 h) and every `Clock.now()`
 * are accelerated together, with no test-only code path in the core.
 *
 * Why not a test-only `SOSM_CLOCK_RATE` in the core: `Clock` (src/services/ports.ts) dates things,
 * but the core's timers are plain setTimeout/setInterval (retention, purge, telemetry ticks, outbox
 * poll, equipment link watchdog), and mqtt.js and serialport keep their own. Accelerating only
 * `Clock.now()` would make "24 h" pass for dates while the hourly retention never ran; routing every
 * timer through an injectable scheduler is a large production change for a test's sake. libfaketime
 * (checked with Node 20: Date.now, performance.now and libuv timers all scale) needs none.
 * Its limit: a 50 ms stall of a process is RATE × 50 ms of simulated silence, so short watchdogs
 * (the equipment heartbeat's 5 s) fire now and then; the soak counts them in its log summary.
 *
 * The test process itself runs in real time; `AcceleratedClock` tells it what the core's clock says,
 * from one anchor reading (the core's `now` in /api/health) and the rate.
 */
import { existsSync } from "node:fs";
import type { Clock } from "../../src/services/ports.ts";

/** The multi-threaded variant: Node calls clock_gettime from its worker threads too. */
const candidates = [
  "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
  "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
  "/usr/lib/faketime/libfaketimeMT.so.1",
];

export function libfaketimePath(): string | null {
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** The environment that makes a child process's clocks run `rate` times faster from its start. */
export function faketimeEnv(rate: number): NodeJS.ProcessEnv {
  const library = libfaketimePath();
  if (library === null)
    throw new Error("libfaketime is missing: install Debian's `faketime` package (apt-get install faketime)");
  if (!(rate >= 1 && rate <= 1000)) throw new RangeError(`rate must be in [1, 1000], got ${rate}`);
  return {
    LD_PRELOAD: library,
    FAKETIME: `+0 x${rate}`,
  };
}

/** The core's accelerated clock seen from the real-time test process. */
export class AcceleratedClock implements Clock {
  private anchorFake = 0;
  private anchorReal = 0;
  private anchorRtt = Number.POSITIVE_INFINITY;

  constructor(readonly rate: number) {}

  /**
   * Takes a reading of the core's clock: `fake` is what the core said, `sentAt`/`receivedAt` the real
   * performance.now() around the request. The reading with the shortest round trip wins.
   */
  anchor(fake: number, sentAt: number, receivedAt: number): void {
    const rtt = receivedAt - sentAt;
    if (rtt > this.anchorRtt) return;
    this.anchorRtt = rtt;
    this.anchorFake = fake;
    this.anchorReal = (sentAt + receivedAt) / 2;
  }

  get anchored(): boolean {
    return Number.isFinite(this.anchorRtt);
  }

  /** How far a reading is from this clock's prediction, in simulated ms. */
  errorOf(fake: number, sentAt: number, receivedAt: number): number {
    return fake - this.at((sentAt + receivedAt) / 2);
  }

  /** Before the first reading, the real time: the core's clock starts there (FAKETIME "+0"). */
  now(): number {
    return this.anchored ? this.at(performance.now()) : Date.now();
  }

  monotonic(): number {
    return performance.now() * this.rate;
  }

  private at(real: number): number {
    return this.anchorFake + (real - this.anchorReal) * this.rate;
  }
}
