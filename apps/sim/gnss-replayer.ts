/**
 * Plays a capture file into one end of a pty pair, at the recorded rate, as a receiver would send
 * it: the core on the other end cannot tell it from a real serial receiver.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { FileLineSource } from "../../src/io/file-line-source.ts";
import type { Logger } from "../../src/services/ports.ts";
import { NmeaRetimer } from "./nmea-retimer.ts";

export interface GnssReplayerContext {
  capture: string;
  /** The pty end the simulated receiver writes to. */
  device: string;
  logger: Logger;
  speed?: number;
  loop?: boolean;
  /** Moves the recording to the present (default true; nmea-retimer.ts). */
  retime?: boolean;
}

export class GnssReplayer {
  private fd: number | null = null;
  private readonly source: FileLineSource;

  constructor(private readonly ctx: GnssReplayerContext) {
    this.source = new FileLineSource({
      path: ctx.capture,
      logger: ctx.logger,
      pacing: { kind: "recorded", speed: ctx.speed ?? 1 },
      loop: ctx.loop ?? true,
    });
    const retimer = ctx.retime === false ? null : new NmeaRetimer();
    this.source.onLine((line) => this.write(`${retimer ? retimer.retime(line) : line}\r\n`));
  }

  start(): void {
    this.source.start();
  }

  async stop(): Promise<void> {
    await this.source.stop();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private write(text: string): void {
    try {
      this.fd ??= openSync(this.ctx.device, "w");
      writeSync(this.fd, text, null, "latin1");
    } catch (error) {
      // The pty was unplugged (a demo of reconnection): reopen on the next line.
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      this.ctx.logger.warn({ err: error }, "simulated receiver could not write; retrying");
    }
  }
}
