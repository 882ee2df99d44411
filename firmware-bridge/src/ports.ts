/**
 * The small interfaces the firmware bridge runs on. The architecture lets firmware-bridge import
 * only src/domain and src/contracts (test/unit/architecture.test.ts), so it declares what it needs
 * here instead of importing src/services/ports.ts; src/io's SerialLineSource (and any LineSource)
 * satisfies `PsosLink` structurally, and tests pass in-memory fakes.
 */
import type { Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/** A LineSource's link status, as far as the bridge reads it. */
export interface PsosLinkStatus {
  state: "connecting" | "connected" | "retrying" | "stopped";
  /** Wall-clock ms when this state began. */
  since: number;
  /** While retrying: the delay before the next attempt. */
  retryInMs?: number;
  lastError?: string;
}

/** A bidirectional line link: a serial port with reconnection (SerialLineSource) or a fake. */
export interface PsosLink {
  start(): void;
  stop(): Promise<void>;
  onLine(listener: (line: string, receivedAt: number) => void): () => void;
  onStatus(listener: (status: PsosLinkStatus) => void): () => void;
  status(): PsosLinkStatus;
  /** Writes `line` + CRLF; rejects while disconnected. */
  writeLine(line: string): Promise<void>;
}

export interface Clock {
  /** Wall-clock epoch ms. */
  now(): number;
  /** Monotonic ms: durations and timeouts. */
  monotonic(): number;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

/** Injected so that timing rules run under fake timers; the default defers to the globals at call time. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const globalTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
