/**
 * The stored GNSS track, as services see it. Implemented by src/store/track-repository.ts (SQLite).
 *
 * Every trusted fix goes into the track, online or not (DESIGN.md §3, reporting policy). The dispatch
 * link backfills from it after an outage: it sends the newest position first (`latest`), then the
 * unsent points in `track` batches of at most 500, oldest first (PROTOCOL.md A), calling `markSent`
 * once dispatch has the batch. The sent state is stored, so the backfill resumes across restarts and
 * never sends a point twice; retention pruning never deletes a point that was not sent.
 */
import type { Fix } from "../domain/gnss/fix.ts";

export interface TrackEntry {
  fix: Fix;
  /** Wall-clock epoch ms when the fix was received (not GNSS time: they differ, DESIGN.md §3). */
  receivedAt: number;
}

export interface StoredPosition extends TrackEntry {
  /** Increasing with insertion order, never reused (even after pruning). */
  id: number;
  /** Whether dispatch has acknowledged it in a `track` batch. */
  sent: boolean;
}

export interface TrackStore {
  /** Stores the entries in one transaction: all of them or none. */
  append(entries: ReadonlyArray<TrackEntry>): void;
  /** The most recently stored position, sent or not; null when the track is empty. */
  latest(): StoredPosition | null;
  /** How many positions are stored. */
  count(): number;
  /** How many positions dispatch has not acknowledged yet. */
  unsentCount(): number;
  /**
   * Up to `limit` positions with `id >= fromId`, sent or not, in id order: a cursor over the whole
   * track (technician export, dispatch asking for a time window again). Pass the last id + 1 to go on.
   */
  range(fromId: number, limit: number): StoredPosition[];
  /**
   * Up to `limit` unsent positions, oldest (lowest id) first; with `fixTimeBefore`, only those whose
   * GNSS time is before it (the backfill sends what was stored before the link came up). GNSS time,
   * not the receive time: the system clock may jump while the car runs (test/reliability/chaos).
   */
  unsent(limit: number, fixTimeBefore?: number): StoredPosition[];
  /**
   * Marks as sent the positions whose GNSS time is in [fromMs, toMs]: the live stream covered them
   * while the link stayed up (see TelemetryReporter). Returns how many changed.
   */
  markFixTimesSent(fromMs: number, toMs: number): number;
  /** Marks positions as received by dispatch; returns how many changed (ids already sent or pruned count 0). */
  markSent(ids: ReadonlyArray<number>): number;
  /**
   * Deletes sent positions whose GNSS time is before `epochMs`; returns how many. Unsent positions
   * are never deleted, whatever their age, and neither is the newest position.
   */
  pruneOlderThan(epochMs: number): number;
}
