/**
 * The soak's GNSS receiver (issue 9): a 10 Hz multi-GNSS receiver (GN RMC/GGA/VTG/ZDA, one GSA per
 * system, GSV for GP/GL/GA once a second: apps/sim/drive/nmea-encoder.ts "multi") driving the
 * Bordeaux loop (apps/sim/drive), parked while the doctor is with a patient, written into a real pty.
 *
 * Time is accelerated: cycle `i` carries the fix time `start + i × 100 ms`, and is written once the
 * core's (accelerated) clock has reached it, so the fix times follow the core's clock as a real
 * receiver's would. If the pipeline cannot keep up, the pty's backpressure holds the writes back and
 * `lagCycles()` grows: that is the measurement of "as fast as the pipeline keeps up".
 */
import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { bordeauxLoop } from "../../apps/sim/drive/bordeaux-route.ts";
import { type DriveSample, drive } from "../../apps/sim/drive/drive-generator.ts";
import { encodeEpoch } from "../../apps/sim/drive/nmea-encoder.ts";

/** What the car does at a given simulated instant (ms since the shift's start). */
export type Motion = "drive" | "parked" | "no_fix";

export interface FeederOptions {
  /** The receiver's end of the pty pair. */
  device: string;
  /** GNSS time of cycle 0, epoch ms (a whole second, as receivers align their epochs). */
  start: number;
  /** How many 100 ms cycles to write in all. */
  cycles: number;
  /** The core's clock as the test sees it (soak-clock.ts), to pace the cycles. */
  now: () => number;
  motion: (simMs: number) => Motion;
  seed?: number;
  /** Cycles per write at most (default 100: ~50 KB). */
  maxBatch?: number;
}

export const cycleMs = 100;

export class SoakFeeder {
  private written = 0;
  private bytes = 0;
  private stopped = false;
  private maxLag = 0;
  private readonly route: Generator<DriveSample>;
  private last: DriveSample | null = null;
  private running: Promise<void> | null = null;
  private unpaced = false;

  private readonly options: FeederOptions;

  constructor(options: FeederOptions) {
    this.options = { ...options };
    if (options.start % 1000 !== 0) throw new RangeError("the first cycle must fall on a whole second");
    // Long enough for the whole shift even if it never parks; samples are only drawn while driving.
    this.route = drive({
      route: bordeauxLoop,
      start: options.start,
      rateHz: 1000 / cycleMs,
      // The burst after the shift (`burst`) may drive on: the generator is lazy, so be generous.
      durationS: (options.cycles * cycleMs) / 1000 + 24 * 3600,
      seed: options.seed ?? 9,
    });
  }

  /** Cycles written so far. */
  get cyclesWritten(): number {
    return this.written;
  }

  get bytesWritten(): number {
    return this.bytes;
  }

  get done(): boolean {
    return this.written >= this.options.cycles;
  }

  /** The GNSS time of the last cycle written (epoch ms), or null before the first. */
  lastFixTime(): number | null {
    return this.written === 0 ? null : this.options.start + (this.written - 1) * cycleMs;
  }

  /** How many cycles are due by the core's clock but not written yet (now, and the worst seen). */
  lagCycles(): { now: number; max: number } {
    return { now: Math.max(0, this.due() - this.written), max: this.maxLag };
  }

  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => {});
  }

  /**
   * After the paced shift: writes as fast as the pty takes the bytes (the core's reading sets the
   * pace) for `realMs`, and returns the cycles written per real second, the pipeline's ceiling.
   */
  async burst(realMs: number): Promise<number> {
    await this.stop();
    const before = this.written;
    this.options.cycles = this.written + 100_000_000;
    this.unpaced = true;
    this.stopped = false;
    const startedAt = performance.now();
    this.running = this.run();
    await new Promise((resolve) => setTimeout(resolve, realMs));
    await this.stop();
    return (this.written - before) / ((performance.now() - startedAt) / 1000);
  }

  private due(): number {
    if (this.unpaced) return this.options.cycles;
    return Math.min(this.options.cycles, Math.floor((this.options.now() - this.options.start) / cycleMs) + 1);
  }

  private async run(): Promise<void> {
    // O_NOCTTY: the test process must not adopt the pty as its controlling terminal.
    const handle: FileHandle = await open(this.options.device, constants.O_WRONLY | constants.O_NOCTTY);
    try {
      while (!this.stopped && !this.done) {
        const due = this.due();
        if (!this.unpaced) this.maxLag = Math.max(this.maxLag, due - this.written);
        if (due <= this.written) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          continue;
        }
        const count = Math.min(due - this.written, this.options.maxBatch ?? 100);
        const text = this.encode(this.written, count);
        const bytes = Buffer.from(text, "latin1");
        let offset = 0;
        while (offset < bytes.length)
          offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
        this.written += count;
        this.bytes += bytes.length;
      }
    } finally {
      await handle.close();
    }
  }

  private encode(first: number, count: number): string {
    let text = "";
    for (let i = first; i < first + count; i++) {
      const sample = this.sample(i);
      for (const line of encodeEpoch(sample, "multi")) text += `${line}\r\n`;
    }
    return text;
  }

  /** Cycle `i`: the route's next sample while driving, the last position held while parked. */
  private sample(i: number): DriveSample {
    const simMs = i * cycleMs;
    const time = this.options.start + simMs;
    const motion = this.options.motion(simMs);
    if (motion === "drive" || this.last === null) {
      const next = this.route.next();
      if (!next.done) this.last = next.value;
    }
    const here = this.last as DriveSample;
    if (motion === "drive") return { ...here, time, hasFix: true };
    // Parked: the receiver still computes a fix (speed 0), or none at all in an underground car park.
    return { ...here, time, speed: 0, hasFix: motion === "parked" };
  }
}
