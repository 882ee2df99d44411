/**
 * A serial port as a LineSource (src/services/ports.ts), reopened forever with capped backoff.
 *
 * Hardware drops are normal (DESIGN.md §3): the device may not exist yet at boot (USB enumerates
 * late), may be unplugged and plugged back, or may error. serialport 13 has no automatic reopen,
 * and an unplug shows up only as a `close` event whose argument has `disconnected: true`, with no
 * `error` event (PITFALLS.md). So every open failure and every close we did not ask for schedules
 * a new attempt after a delay that starts at `initialMs`, grows ×`factor` (Signal K's ×1.5) and is
 * capped at `maxMs` (30 s: Signal K caps at 60 s, a car wants its GNSS back sooner).
 * The delay resets only after an open that *delivered data*: a port that opens and drops at once
 * (a flaky adapter, a device that resets on open) must not be hammered every second.
 *
 * Nothing here throws or exits on a hardware error: each error path is logged, and every port
 * keeps an `error` listener so that no late error can become an unhandled 'error' event.
 * We never call `SerialPort.list()`: it spawns udevadm, which is absent on the car image and in
 * CI, and crashes. Devices are opened by their stable udev name (`/dev/sosm-gnss`).
 */
import { SerialPort } from "serialport";
import { type BackoffPolicy, nextBackoffMs } from "../domain/backoff.ts";
import { type Clock, type LineSource, type LinkStatus, type Logger, systemClock } from "../services/ports.ts";
import { LineSplitter, type LineSplitterCounts } from "./line-splitter.ts";

/** The `close` argument of serialport's stream: a DisconnectedError on unplug, null on our close. */
export type PortCloseReason = (Error & { disconnected?: boolean }) | null | undefined;

/** The part of serialport's SerialPort that this source uses, so that tests can inject a fake. */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err?: Error | null) => void): void;
  write(data: Buffer, callback: (err: Error | null | undefined) => void): boolean;
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  on(event: "close", listener: (reason: PortCloseReason) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
}

export type OpenPort = (options: { path: string; baudRate: number }) => SerialPortLike;

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, factor: 1.5, maxMs: 30_000 };

export interface SerialLineSourceContext {
  /** Stable device name, e.g. `/dev/sosm-gnss` or `/dev/serial/by-id/...` (PITFALLS.md). */
  path: string;
  baudRate: number;
  logger: Logger;
  clock?: Clock;
  backoff?: Partial<BackoffPolicy>;
  /** Builds an unopened port; defaults to serialport's `new SerialPort({ ..., autoOpen: false })`. */
  openPort?: OpenPort;
  /** Longest line kept by the splitter (default 256 bytes). */
  maxLineBytes?: number;
}

const defaultOpenPort: OpenPort = ({ path, baudRate }) => new SerialPort({ path, baudRate, autoOpen: false });

type LineListener = (line: string, receivedAt: number) => void;
type StatusListener = (status: LinkStatus) => void;

export class SerialLineSource implements LineSource {
  readonly path: string;
  private readonly baudRate: number;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly openPort: OpenPort;
  private readonly splitter: LineSplitter;
  private readonly lineListeners = new Set<LineListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private current: LinkStatus;
  /** The port of the current attempt; events from older ports are ignored. */
  private port: SerialPortLike | null = null;
  /** Settles when the open in flight has been answered (stop() waits for it, then closes). */
  private opening: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private nextDelayMs: number;
  private deliveredData = false;
  private started = false;
  private stopped = false;
  private lastLoggedError: string | null = null;

  constructor(context: SerialLineSourceContext) {
    this.path = context.path;
    this.baudRate = context.baudRate;
    this.logger = context.logger.child({ component: "serial", path: context.path });
    this.clock = context.clock ?? systemClock;
    this.backoff = { ...DEFAULT_BACKOFF, ...context.backoff };
    this.openPort = context.openPort ?? defaultOpenPort;
    this.splitter = new LineSplitter({ maxLineBytes: context.maxLineBytes });
    this.nextDelayMs = this.backoff.initialMs;
    this.current = { state: "stopped", path: this.path, since: this.clock.now() };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.attempt();
  }

  /** Closes the port and cancels any retry; the source cannot be restarted afterwards. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.opening) await this.opening;
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await this.closeQuietly(port);
    this.splitter.reset();
    const lastError = this.current.state === "retrying" ? this.current.lastError : undefined;
    this.setStatus({ state: "stopped", path: this.path, since: this.clock.now(), lastError });
    this.logger.info("serial source stopped");
  }

  onLine(listener: LineListener): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  status(): LinkStatus {
    return this.current;
  }

  /** Framing counters (lines, overflows, bytes discarded), for diagnostics. */
  counts(): Readonly<LineSplitterCounts> {
    return this.splitter.counts();
  }

  /** Writes `line` + CRLF (NMEA 0183 line end), latin1, e.g. `$PSOS,REQ,ALL*hh`. Rejects while not connected. */
  writeLine(line: string): Promise<void> {
    if (/[\r\n]/.test(line)) return Promise.reject(new Error("writeLine: the line contains a line end"));
    const port = this.port;
    // serialport queues writes on a closed port until the next open; a command meant for this
    // connection must fail now instead of reaching a device plugged in minutes later.
    if (port === null || !port.isOpen || this.current.state !== "connected") {
      return Promise.reject(new Error(`writeLine: ${this.path} is not connected (${this.current.state})`));
    }
    return new Promise((resolve, reject) => {
      port.write(Buffer.from(`${line}\r\n`, "latin1"), (err) => {
        if (err) {
          this.logger.warn({ err }, "serial write failed");
          reject(err);
        } else resolve();
      });
    });
  }

  private attempt(): void {
    this.retryTimer = null;
    if (this.stopped) return;
    this.setStatus({ state: "connecting", path: this.path, since: this.clock.now() });
    let port: SerialPortLike;
    try {
      port = this.openPort({ path: this.path, baudRate: this.baudRate });
    } catch (err) {
      // The constructor throws TypeError on invalid options: retried like any other failure so
      // that the car keeps showing the state ("retrying in 3 s") instead of exiting.
      this.scheduleRetry(toError(err));
      return;
    }
    this.port = port;
    this.deliveredData = false;
    // Listeners stay attached to a discarded port (guarded by `port === this.port`), so that a
    // late error from it is still handled and never becomes an unhandled 'error' event.
    port.on("error", (err) => this.logger.warn({ err, current: port === this.port }, "serial port error"));
    port.on("data", (chunk) => this.handleData(port, chunk));
    port.on("close", (reason) => this.handleClose(port, reason));
    // A read of 0 bytes ends the stream but leaves the port open: treat it as an unplug.
    port.on("end", () => {
      if (port !== this.port || !port.isOpen) return;
      this.logger.warn("serial stream ended; closing to reopen");
      port.close((err) => err && this.logger.warn({ err }, "serial close after end failed"));
    });
    let settled = (): void => {};
    this.opening = new Promise((resolve) => {
      settled = resolve;
    });
    port.open((err) => {
      this.opening = null;
      settled();
      if (port !== this.port || this.stopped) return; // stop() waits on `opening`, then closes it.
      if (err) {
        this.port = null;
        this.scheduleRetry(err);
        return;
      }
      this.lastLoggedError = null;
      this.logger.info({ baudRate: this.baudRate }, "serial port open");
      this.setStatus({ state: "connected", path: this.path, since: this.clock.now() });
    });
  }

  private handleData(port: SerialPortLike, chunk: Buffer): void {
    if (port !== this.port || this.stopped) return;
    if (!this.deliveredData) {
      this.deliveredData = true;
      this.nextDelayMs = this.backoff.initialMs;
    }
    const lines = this.splitter.push(chunk);
    if (lines.length === 0) return;
    const receivedAt = this.clock.now();
    for (const line of lines) {
      for (const listener of this.lineListeners) {
        // One failing consumer must not stop the others or the port (zigbee2mqtt's isolation).
        try {
          listener(line, receivedAt);
        } catch (err) {
          this.logger.error({ err }, "line listener failed");
        }
      }
    }
  }

  private handleClose(port: SerialPortLike, reason: PortCloseReason): void {
    if (port !== this.port || this.stopped) return;
    this.port = null;
    // The half line read before the unplug must not be glued to the first bytes after it.
    this.splitter.reset();
    const err = reason ?? new Error("port closed");
    this.logger.warn({ err, disconnected: reason?.disconnected === true }, "serial link lost");
    this.scheduleRetry(err);
  }

  private scheduleRetry(err: Error): void {
    if (this.stopped) return;
    const delay = Math.round(this.nextDelayMs);
    this.nextDelayMs = nextBackoffMs(this.nextDelayMs, this.backoff);
    const message = err.message || String(err);
    // A missing device fails every 30 s for hours: log each new reason once, repeats at debug.
    if (message !== this.lastLoggedError) {
      this.logger.warn({ err, retryInMs: delay }, "serial port unavailable; retrying");
    } else this.logger.debug({ retryInMs: delay, error: message }, "serial port still unavailable; retrying");
    this.lastLoggedError = message;
    this.setStatus({
      state: "retrying",
      path: this.path,
      since: this.clock.now(),
      retryInMs: delay,
      lastError: message,
    });
    this.retryTimer = setTimeout(() => this.attempt(), delay);
  }

  /** Closes a port, logging (never throwing) its errors; gives up waiting after 2 s. */
  private closeQuietly(port: SerialPortLike): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 2000);
      const done = (err?: Error | null) => {
        if (err) this.logger.warn({ err }, "serial close failed");
        clearTimeout(timer);
        resolve();
      };
      try {
        port.close(done);
      } catch (err) {
        done(toError(err));
      }
    });
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

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
