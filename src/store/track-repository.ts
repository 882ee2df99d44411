/**
 * The GNSS track in SQLite (`positions`, schema in track-migrations.ts): implements `TrackStore`.
 *
 * Backfill (PROTOCOL.md A `track`, DESIGN.md §3): the dispatch link reads `unsent(500)` (oldest
 * first), publishes the batch, and calls `markSent(ids)` once dispatch has it. The `sent` flag is in
 * the same file, so a restart resumes where it stopped; a batch that was published but not marked
 * before a crash goes out again, and dispatch de-duplicates on the message id and point time.
 *
 * Retention (`positions.retentionDays` in the config): `pruneOlderThan(now - days)` deletes SENT
 * points whose GNSS time is older than the cutoff. Unsent points are never pruned, however old: a
 * car that stayed offline for longer than the retention still delivers its whole track. The newest
 * point is kept too, so that the last known position survives a long stop. GNSS time is used rather
 * than the receive time because the car's system clock may have been wrong when the point arrived.
 */
import type { Database, Statement } from "better-sqlite3";
import type { Fix, FixKind } from "../domain/gnss/fix.ts";
import type { StoredPosition, TrackEntry, TrackStore } from "../services/track-store.ts";

interface PositionRow {
  id: number;
  fix_time: string;
  lat: number;
  lon: number;
  alt: number | null;
  speed: number | null;
  heading: number | null;
  fix: FixKind;
  sats: number | null;
  hdop: number | null;
  received_at: number;
  sent: 0 | 1;
}

type InsertParams = Array<string | number | null>;

const columns = "id, fix_time, lat, lon, alt, speed, heading, fix, sats, hdop, received_at, sent";

/** An optional field: absent or not a finite number → NULL; -0 → 0 (SQLite has no -0 anyway). */
function optional(value: number | undefined): number | null {
  if (value === undefined || !Number.isFinite(value)) return null;
  return value === 0 ? 0 : value;
}

function toFix(row: PositionRow): Fix {
  // Build the object field by field so that NULL columns are absent keys, not `undefined` values.
  const fix: Fix = { fixTime: row.fix_time, lat: row.lat, lon: row.lon, fix: row.fix };
  if (row.alt !== null) fix.alt = row.alt;
  if (row.speed !== null) fix.speed = row.speed;
  if (row.heading !== null) fix.heading = row.heading;
  if (row.sats !== null) fix.sats = row.sats;
  if (row.hdop !== null) fix.hdop = row.hdop;
  return fix;
}

function toStored(row: PositionRow): StoredPosition {
  return { id: row.id, fix: toFix(row), receivedAt: row.received_at, sent: row.sent === 1 };
}

function insertParams({ fix, receivedAt }: TrackEntry, index: number): InsertParams {
  const fixTimeMs = Date.parse(fix.fixTime);
  // Checked before the transaction so that the error names the culprit instead of a NOT NULL failure.
  if (Number.isNaN(fixTimeMs))
    throw new RangeError(`track entry ${index}: fixTime ${JSON.stringify(fix.fixTime)} is not a date`);
  if (!Number.isFinite(fix.lat) || !Number.isFinite(fix.lon))
    throw new RangeError(`track entry ${index}: lat/lon must be finite numbers`);
  if (!Number.isFinite(receivedAt)) throw new RangeError(`track entry ${index}: receivedAt must be a number`);
  return [
    fix.fixTime,
    fixTimeMs,
    fix.lat,
    fix.lon,
    optional(fix.alt),
    optional(fix.speed),
    optional(fix.heading),
    fix.fix,
    optional(fix.sats),
    optional(fix.hdop),
    Math.round(receivedAt),
  ];
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
}

export class TrackRepository implements TrackStore {
  private readonly insert: Statement<InsertParams>;
  private readonly selectLatest: Statement<[], PositionRow>;
  private readonly selectUnsent: Statement<[number], PositionRow>;
  private readonly selectUnsentBefore: Statement<[number, number], PositionRow>;
  private readonly coverLive: Statement<[number, number]>;
  private readonly selectRange: Statement<[number, number], PositionRow>;
  private readonly countAll: Statement<[], number>;
  private readonly countUnsent: Statement<[], number>;
  private readonly setSent: Statement<[number]>;
  private readonly prune: Statement<[number]>;
  private readonly appendAll: (rows: InsertParams[]) => void;
  private readonly markAll: (ids: ReadonlyArray<number>) => number;

  constructor(db: Database) {
    this.insert = db.prepare<InsertParams>(
      `INSERT INTO positions (fix_time, fix_time_ms, lat, lon, alt, speed, heading, fix, sats, hdop, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectLatest = db.prepare(`SELECT ${columns} FROM positions ORDER BY id DESC LIMIT 1`);
    this.selectUnsent = db.prepare(`SELECT ${columns} FROM positions WHERE sent = 0 ORDER BY id LIMIT ?`);
    this.selectUnsentBefore = db.prepare(
      `SELECT ${columns} FROM positions WHERE sent = 0 AND fix_time_ms < ? ORDER BY id LIMIT ?`,
    );
    this.coverLive = db.prepare(
      "UPDATE positions SET sent = 1 WHERE sent = 0 AND fix_time_ms >= ? AND fix_time_ms <= ?",
    );
    this.selectRange = db.prepare(`SELECT ${columns} FROM positions WHERE id >= ? ORDER BY id LIMIT ?`);
    this.countAll = db.prepare<[], number>("SELECT COUNT(*) FROM positions").pluck();
    this.countUnsent = db.prepare<[], number>("SELECT COUNT(*) FROM positions WHERE sent = 0").pluck();
    this.setSent = db.prepare("UPDATE positions SET sent = 1 WHERE id = ? AND sent = 0");
    this.prune = db.prepare(
      `DELETE FROM positions
       WHERE sent = 1 AND fix_time_ms < ? AND id < (SELECT MAX(id) FROM positions)`,
    );
    this.appendAll = db.transaction((rows: InsertParams[]) => {
      for (const row of rows) this.insert.run(...row);
    });
    this.markAll = db.transaction((ids: ReadonlyArray<number>) => {
      let changed = 0;
      for (const id of ids) changed += this.setSent.run(id).changes;
      return changed;
    });
  }

  append(entries: ReadonlyArray<TrackEntry>): void {
    if (entries.length === 0) return;
    this.appendAll(entries.map(insertParams));
  }

  latest(): StoredPosition | null {
    const row = this.selectLatest.get();
    return row === undefined ? null : toStored(row);
  }

  count(): number {
    return this.countAll.get() ?? 0;
  }

  unsentCount(): number {
    return this.countUnsent.get() ?? 0;
  }

  range(fromId: number, limit: number): StoredPosition[] {
    checkLimit(limit);
    if (!Number.isInteger(fromId)) throw new RangeError(`fromId must be an integer, got ${fromId}`);
    return this.selectRange.all(fromId, limit).map(toStored);
  }

  unsent(limit: number, fixTimeBefore?: number): StoredPosition[] {
    checkLimit(limit);
    const rows =
      fixTimeBefore === undefined
        ? this.selectUnsent.all(limit)
        : this.selectUnsentBefore.all(fixTimeBefore, limit);
    return rows.map(toStored);
  }

  markFixTimesSent(fromMs: number, toMs: number): number {
    return this.coverLive.run(fromMs, toMs).changes;
  }

  markSent(ids: ReadonlyArray<number>): number {
    return ids.length === 0 ? 0 : this.markAll(ids);
  }

  pruneOlderThan(epochMs: number): number {
    return this.prune.run(epochMs).changes;
  }
}
