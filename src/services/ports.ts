/**
 * The small interfaces that services declare and that io/, store/ and transport/ implement.
 * Dependencies point inwards (DESIGN.md §2): services never import those folders.
 */
import type { Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/** Injected so that timing rules are testable and so that nothing reads the wall clock by accident. */
export interface Clock {
  /** Wall-clock epoch milliseconds (may jump when the system clock is corrected). */
  now(): number;
  /** Monotonic milliseconds since an arbitrary origin: use it for durations and timeouts. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** What a serial (or replayed) line source tells the UI and telemetry about its link. */
export type LinkStatus =
  | { state: "connecting"; path: string; since: number }
  | { state: "connected"; path: string; since: number }
  | { state: "retrying"; path: string; since: number; retryInMs: number; lastError: string }
  | { state: "stopped"; path: string; since: number; lastError?: string };

/** A source of text lines (already framed, decoded as latin1, without line ends). */
export interface LineSource {
  start(): void;
  stop(): Promise<void>;
  /** `receivedAt` is wall-clock epoch ms at reception (the receive time, not GNSS time). */
  onLine(listener: (line: string, receivedAt: number) => void): () => void;
  onStatus(listener: (status: LinkStatus) => void): () => void;
  status(): LinkStatus;
  /** Write a line (the line end is added). Rejects while disconnected. */
  writeLine(line: string): Promise<void>;
}
