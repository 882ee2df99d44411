/**
 * A simulated GNSS receiver on a pty: drives the Bordeaux loop in real time, stamped with the
 * current time, and writes each epoch's NMEA sentences as a receiver would. Unlike a replayed
 * capture, it can run for a whole shift without time going backwards.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Logger } from "../../src/services/ports.ts";
import { bordeauxLoop } from "./drive/bordeaux-route.ts";
import { type DriveSample, drive } from "./drive/drive-generator.ts";
import { encodeEpoch, type ReceiverFlavour } from "./drive/nmea-encoder.ts";

export interface SimulatedReceiverContext {
  device: string;
  logger: Logger;
  flavour?: ReceiverFlavour;
  /** Start of the drive (default: now, rounded to the second as receivers align epochs). */
  start?: number;
  durationS?: number;
  seed?: number;
}

export class SimulatedReceiver {
  private fd: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly epochs: Generator<DriveSample>;
  private readonly flavour: ReceiverFlavour;
  private readonly periodMs: number;

  constructor(private readonly ctx: SimulatedReceiverContext) {
    this.flavour = ctx.flavour ?? "gps";
    const rateHz = this.flavour === "multi" ? 10 : 1;
    this.periodMs = 1000 / rateHz;
    this.epochs = drive({
      route: bordeauxLoop,
      start: ctx.start ?? Math.ceil(Date.now() / 1000) * 1000,
      rateHz,
      durationS: ctx.durationS ?? 24 * 3600,
      seed: ctx.seed ?? 7,
    });
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private tick(): void {
    const next = this.epochs.next();
    if (next.done) {
      this.stop();
      return;
    }
    const text = encodeEpoch(next.value, this.flavour)
      .map((line) => `${line}\r\n`)
      .join("");
    try {
      this.fd ??= openSync(this.ctx.device, "w");
      writeSync(this.fd, text, null, "latin1");
    } catch (error) {
      // The pty is gone (an unplug demo, or shutting down): reopen at the next epoch.
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      this.ctx.logger.warn({ err: error }, "simulated receiver could not write; retrying");
    }
  }
}
