/**
 * An emulator of the equipment controller, for demos and tests: it writes `$PSOS` sentences to its
 * end of a serial cable (a socat pty in tests and `npm start`) and answers the host's `REQ,ALL`.
 *
 * As the firmware does (firmware-bridge/PROTOCOL.md "Timing"):
 * - HB every (simulated) second while the controller runs;
 * - each equipment record when it changes, at boot, and at least every `periodS` seconds;
 * - every record once (HB first) when the host sends `$PSOS,REQ,ALL`.
 *
 * `ControllerModel` is the pure part (what to send at second t); `ControllerEmulator` adds the
 * pacing and the link. `speed` scales time (60: a simulated minute per real second) so that a
 * draining cylinder can be shown in seconds; the host's 5 s heartbeat watchdog stays in real time.
 */
import type { PsosRecord } from "../../src/contracts/psos.ts";
import { globalTimers, type Logger, type PsosLink, type Timers } from "./ports.ts";
import { decodePsos, encodePsos, splitPsosCandidates } from "./psos-codec.ts";
import type { Scenario } from "./scenarios.ts";

export const defaultFwVersion = "1.4.2";

/** One line to write, and what it carries: `sentences` valid ones and `noise` junk pieces. */
export interface EmittedLine {
  text: string;
  sentences: number;
  noise: number;
}

export interface ControllerModelOptions {
  /** Every record is repeated at least this often, in simulated seconds (default 10). */
  periodS?: number;
  fwVersion?: string;
}

export class ControllerModel {
  private readonly periodS: number;
  private readonly fwVersion: string;
  private readonly lastSent = new Map<string, { text: string; t: number }>();
  private up = false;

  constructor(
    readonly scenario: Scenario,
    options: ControllerModelOptions = {},
  ) {
    this.periodS = options.periodS ?? 10;
    this.fwVersion = options.fwVersion ?? defaultFwVersion;
  }

  /** The lines of simulated second `t` (call with t = 0, 1, 2...). */
  tick(t: number): EmittedLine[] {
    const out: EmittedLine[] = [];
    const uptime = this.scenario.uptime(t);
    // One piece at most is glued to the heartbeat: two glued together would reach the host as one
    // bad piece, and each noise entry must be exactly one bad line for the counts to be checkable.
    const noise = this.scenario.noise(t);
    const glued = uptime === null ? undefined : noise.find((entry) => entry.glue);
    for (const entry of noise) if (entry !== glued) out.push({ text: entry.text, sentences: 0, noise: 1 });
    if (uptime === null) {
      this.up = false;
      return out;
    }
    const booted = !this.up;
    this.up = true;
    const hb = encodePsos({ record: "HB", uptime_s: uptime, fw_version: this.fwVersion });
    out.push({ text: (glued?.text ?? "") + hb, sentences: 1, noise: glued ? 1 : 0 });
    for (const record of this.scenario.equipment(t)) {
      const text = encodePsos(record);
      const last = this.lastSent.get(keyOf(record));
      // A controller that just booted sends everything: the host's picture may be stale.
      if (booted || last === undefined || last.text !== text || t - last.t >= this.periodS) {
        out.push(this.remember(record, text, t));
      }
    }
    return out;
  }

  /** The answer to `REQ,ALL` at second `t`: HB then every equipment record; nothing while rebooting. */
  answerAll(t: number): EmittedLine[] {
    const uptime = this.scenario.uptime(t);
    if (uptime === null) return [];
    const hb = encodePsos({ record: "HB", uptime_s: uptime, fw_version: this.fwVersion });
    return [
      { text: hb, sentences: 1, noise: 0 },
      ...this.scenario.equipment(t).map((record) => this.remember(record, encodePsos(record), t)),
    ];
  }

  private remember(record: PsosRecord, text: string, t: number): EmittedLine {
    this.lastSent.set(keyOf(record), { text, t });
    return { text, sentences: 1, noise: 0 };
  }
}

function keyOf(record: PsosRecord): string {
  return "slot" in record ? `${record.record}:${record.slot}` : record.record;
}

export interface ControllerEmulatorContext extends ControllerModelOptions {
  /** The controller's end of the cable. */
  link: PsosLink;
  scenario: Scenario;
  logger: Logger;
  /** Time scale: 1 = real time (default), 60 = one simulated minute per second. */
  speed?: number;
  timers?: Timers;
  /** Monotonic milliseconds, for drift-free pacing (default performance.now). */
  monotonic?: () => number;
}

export interface EmulatorCounts {
  /** Simulated seconds elapsed. */
  ticks: number;
  /** Valid sentences handed to the port. */
  sentences: number;
  /** Junk pieces handed to the port (line-noise): each is one bad line for the host. */
  noise: number;
  /** Lines dropped because the port was not connected (the cable was out). */
  dropped: number;
  reqAnswered: number;
  /** Lines from the host that were not a valid `REQ,ALL`. */
  hostLinesIgnored: number;
}

export class ControllerEmulator {
  private readonly model: ControllerModel;
  private readonly intervalMs: number;
  private readonly timers: Timers;
  private readonly monotonic: () => number;
  private readonly tally: EmulatorCounts = {
    ticks: 0,
    sentences: 0,
    noise: 0,
    dropped: 0,
    reqAnswered: 0,
    hostLinesIgnored: 0,
  };
  private t = 0;
  private startedAt = 0;
  private timer: unknown = null;
  private running = false;
  private offLine: (() => void) | null = null;

  constructor(private readonly ctx: ControllerEmulatorContext) {
    const speed = ctx.speed ?? 1;
    if (!(speed > 0 && speed <= 1000)) throw new RangeError(`speed must be in (0, 1000], got ${speed}`);
    this.model = new ControllerModel(ctx.scenario, ctx);
    this.intervalMs = 1000 / speed;
    this.timers = ctx.timers ?? globalTimers;
    this.monotonic = ctx.monotonic ?? (() => performance.now());
  }

  /** Starts the link and the clock: the controller runs whether or not a host is listening. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.offLine = this.ctx.link.onLine((line) => this.handleHostLine(line));
    this.ctx.link.start();
    this.startedAt = this.monotonic();
    this.runTick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.offLine?.();
    this.offLine = null;
    await this.ctx.link.stop();
  }

  counts(): Readonly<EmulatorCounts> {
    return { ...this.tally };
  }

  /** The current simulated second. */
  simulatedSeconds(): number {
    return this.t;
  }

  private runTick(): void {
    this.timer = null;
    if (!this.running) return;
    this.write(this.model.tick(this.t));
    this.tally.ticks++;
    this.t++;
    // Scheduled against the start time, so that pacing does not drift with event-loop delays.
    const dueIn = this.startedAt + this.t * this.intervalMs - this.monotonic();
    this.timer = this.timers.setTimeout(() => this.runTick(), Math.max(0, dueIn));
  }

  private handleHostLine(line: string): void {
    for (const candidate of splitPsosCandidates(line)) {
      const result = decodePsos(candidate);
      if (result.ok && result.record.record === "REQ") {
        this.tally.reqAnswered++;
        // The request is answered at the current second: `t` already points at the next one.
        this.write(this.model.answerAll(Math.max(0, this.t - 1)));
      } else {
        this.tally.hostLinesIgnored++;
        this.ctx.logger.debug({ line: candidate.slice(0, 100) }, "emulator ignored a host line");
      }
    }
  }

  private write(lines: EmittedLine[]): void {
    for (const line of lines) {
      this.ctx.link.writeLine(line.text).then(
        () => {
          this.tally.sentences += line.sentences;
          this.tally.noise += line.noise;
        },
        () => {
          this.tally.dropped++;
        },
      );
    }
  }
}
