/**
 * GPS tracker: line source → decoder → trusted fixes → SQLite track, plus the receiver's health.
 *
 * Fixes are written in batches (one transaction per batch): better-sqlite3 is synchronous, and
 * 2,000 autocommitted inserts take ~50× longer than one transaction (PITFALLS.md). A batch is
 * flushed when it is full or at the latest `maxDelayMs` after its first fix, so that a power cut
 * loses at most that much of the track.
 */

import type { Fix } from "../domain/gnss/fix.ts";
import { assessReceiver, type Language, type ReceiverHealth } from "../domain/gnss/receiver-health.ts";
import type { Clock, LineSource, LinkStatus, Logger } from "./ports.ts";
import type { TrackStore } from "./track-store.ts";

/** Implemented by io/gnss: frame check, parse, cycle assembly and quality gate. */
export interface FixDecoder {
  push(line: string, receivedAt: number): Fix[];
  counts(): Readonly<Record<string, number>>;
  /** Satellites used in the last fix, and in view per constellation. */
  satellites(): { used: number | null; inView: Readonly<Record<string, number>> };
  /** Receive time of the last sentence that passed the frame check. */
  lastSentenceAt(): number | null;
}

export interface GpsTrackerContext {
  source: LineSource;
  decoder: FixDecoder;
  /** Only appending is the tracker's business; backfill and retention belong to others. */
  track: Pick<TrackStore, "append">;
  clock: Clock;
  logger: Logger;
  batch?: { maxFixes?: number; maxDelayMs?: number };
}

const maxPendingFixes = 36_000;

export type FixListener = (fix: Fix, receivedAt: number) => void;

export class GpsTracker {
  private readonly pending: Array<{ fix: Fix; receivedAt: number }> = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<FixListener>();
  private unsubscribe: (() => void) | null = null;
  private lastFixAt: number | null = null;
  private lastFix: Fix | null = null;
  private droppedFixes = 0;
  private readonly maxFixes: number;
  private readonly maxDelayMs: number;

  constructor(private readonly ctx: GpsTrackerContext) {
    this.maxFixes = ctx.batch?.maxFixes ?? 200;
    this.maxDelayMs = ctx.batch?.maxDelayMs ?? 1000;
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.ctx.source.onLine((line, receivedAt) => this.onLine(line, receivedAt));
    this.ctx.source.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.ctx.source.stop();
    this.flush();
  }

  /** Listeners run after the fix is queued for storage; one failing listener never stops the others. */
  onFix(listener: FixListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  latestFix(): Fix | null {
    return this.lastFix;
  }

  linkStatus(): LinkStatus {
    return this.ctx.source.status();
  }

  health(language: Language = "fr"): ReceiverHealth {
    const link = this.ctx.source.status();
    const satellites = this.ctx.decoder.satellites();
    return assessReceiver(
      {
        linkUp: link.state === "connected",
        ...(link.state === "retrying" ? { retryInS: Math.ceil(link.retryInMs / 1000) } : {}),
        lastSentenceAt: this.ctx.decoder.lastSentenceAt(),
        lastFixAt: this.lastFixAt,
        satsUsed: satellites.used,
        satsInView: satellites.inView,
      },
      this.ctx.clock.now(),
      language,
    );
  }

  counts(): Readonly<Record<string, number>> {
    return { ...this.ctx.decoder.counts(), "track.dropped_unstorable": this.droppedFixes };
  }

  /** Writes the pending batch now (also called on stop, so nothing decoded is dropped). */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.pending.length);
    try {
      this.ctx.track.append(batch);
    } catch (error) {
      // A full disk must not stop live reporting: keep the fixes in memory and retry later, up to
      // a bound (1 h at 10 Hz), dropping the oldest so that memory stays bounded whatever happens.
      this.pending.unshift(...batch);
      const excess = this.pending.length - maxPendingFixes;
      if (excess > 0) {
        this.pending.splice(0, excess);
        this.droppedFixes += excess;
      }
      this.ctx.logger.error(
        { err: error, pending: this.pending.length },
        "could not store the track; will retry",
      );
      this.scheduleFlush();
    }
  }

  private onLine(line: string, receivedAt: number): void {
    const fixes = this.ctx.decoder.push(line, receivedAt);
    for (const fix of fixes) {
      this.lastFix = fix;
      this.lastFixAt = receivedAt;
      this.pending.push({ fix, receivedAt });
      for (const listener of this.listeners) {
        try {
          listener(fix, receivedAt);
        } catch (error) {
          this.ctx.logger.error({ err: error }, "a fix listener failed");
        }
      }
    }
    if (this.pending.length >= this.maxFixes) this.flush();
    else if (this.pending.length > 0) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.maxDelayMs);
    this.flushTimer.unref?.();
  }
}
