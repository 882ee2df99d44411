/**
 * A recorded capture replayed as a LineSource, through the same splitter as the real port, so
 * that a log exercises the same path as the device (Signal K's replay, DESIGN.md §5).
 *
 * The file is read as bytes and decoded latin1 (PITFALLS.md: gpsd logs mix CRLF, LF and stray
 * bytes). Lines starting with `#` are comments (shared/nmea/README.md); the `# Date:` header is
 * kept because a decoder needs it to resolve two-digit years and GPS week roll-over.
 *
 * Pacing:
 * - `fast`: as fast as possible, in batches that yield to the event loop between them.
 * - `rate`: a fixed number of lines per second.
 * - `recorded`: the receiver's own rhythm. A line carrying a new NMEA time of day (RMC, GGA, GNS,
 *   GLL, ZDA) starts a new cycle, due `Δt / speed` after the previous one. The time is parsed here
 *   minimally (hhmmss.ss only), so that replay does not depend on the GNSS decoder.
 * Due times are absolute offsets from the start, so a slow event loop catches up instead of drifting.
 */
import { readFile } from "node:fs/promises";
import { type Clock, type LineSource, type LinkStatus, type Logger, systemClock } from "../services/ports.ts";
import { LineSplitter } from "./line-splitter.ts";

export type ReplayPacing =
  | { kind: "fast" }
  | { kind: "rate"; linesPerSecond: number }
  | { kind: "recorded"; speed?: number };

/** Injected so that vitest fake timers (or a test's own scheduler) drive the replay. */
export interface ReplayTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface FileLineSourceContext {
  path: string;
  logger: Logger;
  pacing?: ReplayPacing;
  /** Start again from the first line at the end (demos). */
  loop?: boolean;
  clock?: Clock;
  timers?: ReplayTimers;
  /** Longest pause between two recorded cycles, before the speed factor (default 10 s). */
  maxGapMs?: number;
}

const DAY_MS = 86_400_000;
/** Lines emitted per turn of the event loop in `fast` mode. */
const FAST_BATCH = 1000;
const TIME_SENTENCE = /^[$!][A-Z]{2}(RMC|GGA|GNS|GLL|ZDA),/;
const HHMMSS = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/;
const DATE_HEADER = /^#\s*Date\s*[:=]\s*(\d{4})-(\d{1,2})-(\d{1,2})/;

// Looked up at call time, so that vi.useFakeTimers() installed after construction still applies.
const globalTimers: ReplayTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Milliseconds since midnight of the NMEA time of day in `line`, or null if it has none. */
export function nmeaTimeOfDayMs(line: string): number | null {
  const sentence = TIME_SENTENCE.exec(line);
  if (!sentence) return null;
  const fields = line.split("*", 1)[0]?.split(",") ?? [];
  // GLL carries the time after the position ($xxGLL,lat,N,lon,E,hhmmss.ss,A); the others first.
  const field = fields[sentence[1] === "GLL" ? 5 : 1];
  const time = field === undefined ? null : HHMMSS.exec(field);
  if (!time) return null;
  const [h, m, s] = [Number(time[1]), Number(time[2]), Number(time[3])];
  if (h > 23 || m > 59 || s >= 61) return null; // 60.x is a leap second
  return Math.round(((h * 60 + m) * 60 + s) * 1000);
}

/** The `YYYY-MM-DD` of a `# Date: 2011-10-24` (or `# Date = 2019-3-14`) header line, or null. */
export function parseCaptureDateLine(line: string): string | null {
  const m = DATE_HEADER.exec(line);
  if (!m) return null;
  return `${m[1]}-${m[2]?.padStart(2, "0")}-${m[3]?.padStart(2, "0")}`;
}

export class FileLineSource implements LineSource {
  readonly path: string;
  private readonly logger: Logger;
  private readonly pacing: ReplayPacing;
  private readonly loop: boolean;
  private readonly clock: Clock;
  private readonly timers: ReplayTimers;
  private readonly maxGapMs: number;
  private readonly lineListeners = new Set<(line: string, receivedAt: number) => void>();
  private readonly statusListeners = new Set<(status: LinkStatus) => void>();
  private current: LinkStatus;
  private lines: string[] = [];
  private date: string | null = null;
  private index = 0;
  /** Due offsets (ms from `startedAt`) of the next line and of the last recorded cycle. */
  private nextDue = 0;
  private lastTimeOfDay: number | null = null;
  private startedAt = 0;
  private timer: unknown = null;
  private started = false;
  private stopped = false;
  private finished: Promise<void>;
  private finish: () => void = () => {};

  constructor(context: FileLineSourceContext) {
    this.path = context.path;
    this.logger = context.logger.child({ component: "replay", path: context.path });
    this.pacing = context.pacing ?? { kind: "recorded", speed: 1 };
    this.loop = context.loop ?? false;
    this.clock = context.clock ?? systemClock;
    this.timers = context.timers ?? globalTimers;
    this.maxGapMs = context.maxGapMs ?? 10_000;
    if (this.pacing.kind === "rate" && !(this.pacing.linesPerSecond > 0)) {
      throw new RangeError("FileLineSource: linesPerSecond must be > 0");
    }
    if (this.pacing.kind === "recorded" && !((this.pacing.speed ?? 1) > 0)) {
      throw new RangeError("FileLineSource: speed must be > 0");
    }
    this.current = { state: "stopped", path: this.path, since: this.clock.now() };
    this.finished = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /** Reads the `# Date:` header of a capture without replaying it. */
  static async readCaptureDate(path: string): Promise<string | null> {
    return captureOf(await readFile(path)).date;
  }

  /** The capture's `# Date:` header (YYYY-MM-DD), once loaded; null if absent. */
  get captureDate(): string | null {
    return this.date;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.setStatus({ state: "connecting", path: this.path, since: this.clock.now() });
    readFile(this.path).then(
      (bytes) => {
        if (this.stopped) return;
        const capture = captureOf(bytes);
        this.lines = capture.lines;
        this.date = capture.date;
        this.logger.info(
          { lines: this.lines.length, date: this.date, pacing: this.pacing },
          "replay started",
        );
        this.setStatus({ state: "connected", path: this.path, since: this.clock.now() });
        this.restart();
      },
      (err: unknown) => {
        this.logger.error({ err }, "replay file unreadable");
        this.end(err instanceof Error ? err.message : String(err));
      },
    );
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.end(undefined);
  }

  /** Resolves when the replay has ended (end of file without `loop`, a read error, or stop()). */
  whenFinished(): Promise<void> {
    return this.finished;
  }

  onLine(listener: (line: string, receivedAt: number) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  onStatus(listener: (status: LinkStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  status(): LinkStatus {
    return this.current;
  }

  /** A capture has no device behind it: commands cannot reach anything, so they are refused. */
  writeLine(_line: string): Promise<void> {
    return Promise.reject(new Error(`writeLine: ${this.path} is a replayed capture (read-only)`));
  }

  private restart(): void {
    this.index = 0;
    this.nextDue = 0;
    this.lastTimeOfDay = null;
    this.startedAt = this.clock.monotonic();
    this.pump();
  }

  /** Emits every line that is due, then sleeps until the next one. */
  private pump(): void {
    this.timer = null;
    let emitted = 0;
    while (!this.stopped && this.index < this.lines.length) {
      const line = this.lines[this.index] as string;
      const due = this.dueOf(line);
      const wait = this.startedAt + due - this.clock.monotonic();
      if (wait > 0 || (this.pacing.kind === "fast" && emitted >= FAST_BATCH)) {
        this.timer = this.timers.setTimeout(() => this.pump(), Math.max(0, wait));
        return;
      }
      this.commit(line, due);
      this.index++;
      emitted++;
      this.emit(line);
    }
    if (this.stopped) return;
    if (!this.loop || this.lines.length === 0) {
      this.logger.info("replay reached the end of the capture");
      this.end(undefined);
      return;
    }
    // Loop: one second (scaled) between the last line and the first again, so cycles stay apart.
    const pause = this.pacing.kind === "fast" ? 0 : 1000 / this.speedLike();
    this.timer = this.timers.setTimeout(() => this.restart(), pause);
  }

  /** Due offset of `line` given the pacing; pure with respect to the replay state. */
  private dueOf(line: string): number {
    switch (this.pacing.kind) {
      case "fast":
        return 0;
      case "rate":
        return this.index * (1000 / this.pacing.linesPerSecond);
      case "recorded": {
        const tod = nmeaTimeOfDayMs(line);
        if (tod === null || this.lastTimeOfDay === null || tod === this.lastTimeOfDay) return this.nextDue;
        let delta = tod - this.lastTimeOfDay;
        if (delta < -DAY_MS / 2) delta += DAY_MS; // crossed midnight UTC
        // A clock stepping back (receiver reset) must not stall the replay, nor a capture with an
        // hours-long hole make the demo look dead: clamp to [0, maxGapMs].
        delta = Math.min(Math.max(delta, 0), this.maxGapMs);
        return this.nextDue + delta / (this.pacing.speed ?? 1);
      }
    }
  }

  private commit(line: string, due: number): void {
    this.nextDue = due;
    if (this.pacing.kind !== "recorded") return;
    const tod = nmeaTimeOfDayMs(line);
    if (tod !== null) this.lastTimeOfDay = tod;
  }

  private speedLike(): number {
    if (this.pacing.kind === "recorded") return this.pacing.speed ?? 1;
    if (this.pacing.kind === "rate") return this.pacing.linesPerSecond;
    return 1;
  }

  private emit(line: string): void {
    const receivedAt = this.clock.now();
    for (const listener of this.lineListeners) {
      try {
        listener(line, receivedAt);
      } catch (err) {
        this.logger.error({ err }, "line listener failed");
      }
    }
  }

  private end(lastError: string | undefined): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.setStatus({ state: "stopped", path: this.path, since: this.clock.now(), lastError });
    this.finish();
  }

  private setStatus(status: LinkStatus): void {
    this.current = status;
    for (const listener of this.statusListeners) {
      try {
        listener(status);
      } catch (err) {
        this.logger.error({ err }, "status listener failed");
      }
    }
  }
}

/** Splits a capture into its non-comment lines and its `# Date:` header. */
function captureOf(bytes: Buffer): { lines: string[]; date: string | null } {
  const splitter = new LineSplitter();
  const all = [...splitter.push(bytes), ...splitter.flush()];
  const lines: string[] = [];
  let date: string | null = null;
  for (const line of all) {
    if (line.startsWith("#")) date ??= parseCaptureDateLine(line);
    else lines.push(line);
  }
  return { lines, date };
}
