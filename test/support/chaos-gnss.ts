/**
 * A simulated 1 Hz GNSS receiver for the chaos suite: each epoch carries the TEST process's wall
 * clock (which no fault touches), so a fix's GNSS time says exactly when it was sent, and windows
 * of faults measured with `Date.now()` here can be compared with the car's stored track.
 *
 * Unlike apps/sim/simulated-receiver.ts it:
 *  - catches up: an epoch is due at its own second, and a late timer (a loaded 2-core box) sends
 *    every epoch that fell due, so the receiver itself never makes a gap in the track;
 *  - never blocks: the pty is opened O_NONBLOCK. While the core is dead nobody reads the other
 *    end and the kernel buffers fill up; a real UART then puts the bytes on a wire nobody listens
 *    to, so a full buffer drops the epoch (EAGAIN) rather than freezing the test's event loop;
 *  - records what became of each epoch (written, or dropped because unplugged or unread), which is
 *    what the suite compares the stored track with.
 */
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { bordeauxLoop } from "../../apps/sim/drive/bordeaux-route.ts";
import { type DriveSample, drive } from "../../apps/sim/drive/drive-generator.ts";
import { encodeEpoch } from "../../apps/sim/drive/nmea-encoder.ts";

export type EpochFate = "written" | "unplugged" | "unread";

export interface EpochRecord {
  /** GNSS time of the epoch = test wall clock when it fell due, epoch ms. */
  time: number;
  fate: EpochFate;
}

export interface WallClockReceiverOptions {
  /** The pty end the receiver writes to (a stable link that vanishes while unplugged). */
  device: string;
  seed?: number;
  /** Longest run, seconds (default 24 h). */
  durationS?: number;
}

export class WallClockReceiver {
  readonly epochs: EpochRecord[] = [];
  private fd: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly samples: Generator<DriveSample>;
  private next: DriveSample | null = null;

  constructor(private readonly options: WallClockReceiverOptions) {
    this.samples = drive({
      route: bordeauxLoop,
      start: Math.ceil(Date.now() / 1000) * 1000,
      rateHz: 1,
      durationS: options.durationS ?? 24 * 3600,
      seed: options.seed ?? 7,
      // No tunnel: every gap in the track must come from a fault.
      outages: [],
    });
    this.next = this.samples.next().value ?? null;
  }

  start(): void {
    if (this.timer === null) this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.close();
  }

  counts(): Record<EpochFate, number> {
    const counts: Record<EpochFate, number> = { written: 0, unplugged: 0, unread: 0 };
    for (const epoch of this.epochs) counts[epoch.fate]++;
    return counts;
  }

  private schedule(): void {
    const due = this.next === null ? null : this.next.time - Date.now();
    if (due === null) return;
    this.timer = setTimeout(() => this.tick(), Math.max(0, due));
  }

  private tick(): void {
    while (this.next !== null && this.next.time <= Date.now()) {
      this.send(this.next);
      this.next = this.samples.next().value ?? null;
    }
    this.schedule();
  }

  private send(sample: DriveSample): void {
    const text = encodeEpoch(sample, "gps")
      .map((line) => `${line}\r\n`)
      .join("");
    const bytes = Buffer.from(text, "latin1");
    try {
      // O_NOCTTY: never adopt the pty as the test's controlling terminal.
      this.fd ??= openSync(
        this.options.device,
        constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK,
      );
      const written = writeSync(this.fd, bytes);
      this.epochs.push({ time: sample.time, fate: written === bytes.length ? "written" : "unread" });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.epochs.push({ time: sample.time, fate: code === "EAGAIN" ? "unread" : "unplugged" });
      // EAGAIN: the buffers are full, the device is still there; anything else: reopen next time.
      if (code !== "EAGAIN") this.close();
    }
  }

  private close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already gone with the pty.
    }
    this.fd = null;
  }
}
