/**
 * The Hub Santé gateway's tables in dispatch's database (migration 2 of dispatch-migrations.ts):
 *
 * - `hub_feed`: statuses as dispatch commits them (a trigger on `received`, in the ingest's own
 *   transaction), read in order and deleted by the translation step that maps them: a cursor that
 *   cannot skip a status nor see one twice, whatever the number of dispatch instances. Commit order
 *   is not always the car's order (the shared subscription spreads one car's messages over several
 *   connections), hence the car's `seq` and the arrival time, for the gateway to sort them back.
 * - `hub_cars`: each car's mapping state and last GEO-POS.
 * - `hub_outbox`: the envelopes to publish. A row is written in the same transaction as the feed
 *   rows it comes from are deleted, and deleted only once RabbitMQ has confirmed it: a crash
 *   anywhere loses nothing, and at worst sends a row again with its same `distribution_id`.
 *
 * Rows and JSON only: what they mean is the gateway's business (apps/dispatch/hub-sante).
 */
import type { Database, Statement } from "better-sqlite3";
import type { SeqRange } from "../services/dispatch-seq-gaps.ts";

export interface HubFeedRow {
  id: number;
  vehicle: string;
  /** The car's outbox `seq` (its own order), null if the message had none. */
  seq: number | null;
  /** When dispatch read it (epoch ms). */
  receivedAt: number;
  /** The stored `status` body (JSON). */
  body: string;
}

export interface HubCarRow {
  vehicle: string;
  stateJson: string | null;
  geoFixTime: number | null;
  geoSentAt: number | null;
}

/** A car with a live position, and what the gateway knows of it. */
export interface HubPositionRow extends HubCarRow {
  positionJson: string;
  /** Dispatch's latest stored status body (JSON), for a car the feed has not seen yet. */
  statusJson: string | null;
}

export interface HubOutboxRow {
  id: number;
  distributionId: string;
  kind: string;
  vehicle: string;
  payload: string;
  createdAt: number;
  expiresAt: number;
}

export type HubOutboxInsert = Omit<HubOutboxRow, "id">;

type Row = Record<string, unknown>;

function outboxRow(row: Row): HubOutboxRow {
  return {
    id: Number(row.id),
    distributionId: String(row.distribution_id),
    kind: String(row.kind),
    vehicle: String(row.vehicle),
    payload: String(row.payload),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export class HubOutboxRepository {
  private readonly setEnabledStmt: Statement;
  private readonly feedRows: Statement;
  private readonly clearFeed: Statement;
  private readonly carRow: Statement;
  private readonly upsertState: Statement;
  private readonly upsertGeo: Statement;
  private readonly missionCase: Statement;
  private readonly positionRows: Statement;
  private readonly insertOutbox: Statement;
  private readonly pendingRows: Statement;
  private readonly rowById: Statement;
  private readonly deleteRow: Statement;
  private readonly countRows: Statement;
  private readonly countFeed: Statement;
  private readonly deleteFeedRow: Statement;
  private readonly gapsRow: Statement;

  constructor(private readonly db: Database) {
    this.setEnabledStmt = db.prepare("UPDATE hub_state SET enabled = ? WHERE id = 1");
    this.feedRows = db.prepare(
      "SELECT id, vehicle, seq, received_at, body FROM hub_feed ORDER BY id LIMIT ?",
    );
    this.deleteFeedRow = db.prepare("DELETE FROM hub_feed WHERE id = ?");
    this.gapsRow = db.prepare("SELECT gaps_json FROM cars WHERE vehicle = ?");
    this.clearFeed = db.prepare("DELETE FROM hub_feed");
    this.carRow = db.prepare("SELECT * FROM hub_cars WHERE vehicle = ?");
    this.upsertState = db.prepare(
      `INSERT INTO hub_cars (vehicle, state_json) VALUES (?, ?)
       ON CONFLICT (vehicle) DO UPDATE SET state_json = excluded.state_json`,
    );
    this.upsertGeo = db.prepare(
      `INSERT INTO hub_cars (vehicle, state_json, geo_fix_time, geo_sent_at) VALUES (?, 'null', ?, ?)
       ON CONFLICT (vehicle) DO UPDATE SET geo_fix_time = excluded.geo_fix_time, geo_sent_at = excluded.geo_sent_at`,
    );
    this.missionCase = db.prepare(
      "SELECT json_extract(body, '$.caseId') AS case_id FROM missions WHERE mission_id = ?",
    );
    // Every car with a live position: the due ones are picked in code (fix times are ISO strings of
    // varying precision, which SQL would compare as text).
    this.positionRows = db.prepare(
      `SELECT c.vehicle, c.position_json, c.status_json, h.state_json, h.geo_fix_time, h.geo_sent_at
       FROM cars c LEFT JOIN hub_cars h ON h.vehicle = c.vehicle
       WHERE c.position_json IS NOT NULL AND (h.geo_sent_at IS NULL OR h.geo_sent_at <= ? OR h.geo_sent_at > ?)`,
    );
    this.insertOutbox = db.prepare(
      `INSERT INTO hub_outbox (distribution_id, kind, vehicle, payload, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.pendingRows = db.prepare("SELECT * FROM hub_outbox WHERE id > ? ORDER BY id LIMIT ?");
    this.rowById = db.prepare("SELECT * FROM hub_outbox WHERE id = ?");
    this.deleteRow = db.prepare("DELETE FROM hub_outbox WHERE id = ?");
    this.countRows = db.prepare("SELECT count(*) AS n FROM hub_outbox");
    this.countFeed = db.prepare("SELECT count(*) AS n FROM hub_feed");
  }

  /** On: statuses start flowing into the feed. Off also empties the feed (nothing will read it). */
  setEnabled(enabled: boolean): void {
    this.db.transaction(() => {
      this.setEnabledStmt.run(enabled ? 1 : 0);
      if (!enabled) this.clearFeed.run();
    })();
  }

  /** IMMEDIATE: two instances on one file never take the same feed rows. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  feed(limit: number): HubFeedRow[] {
    return (this.feedRows.all(limit) as Row[]).map((row) => ({
      id: Number(row.id),
      vehicle: String(row.vehicle),
      seq: nullableNumber(row.seq),
      receivedAt: Number(row.received_at),
      body: String(row.body),
    }));
  }

  /** Feed rows up to `id` are done (inside the transaction that wrote their outbox rows). */
  /** Consumes these feed rows only (a car's later statuses may still be held back). */
  consumeFeedRows(ids: readonly number[]): void {
    for (const id of ids) this.deleteFeedRow.run(id);
  }

  /** The car's messages missing so far (dispatch-seq-gaps.ts), as the ingest stored them. */
  seqGaps(vehicle: string): SeqRange[] {
    const row = this.gapsRow.get(vehicle) as Row | undefined;
    if (row?.gaps_json === undefined || row.gaps_json === null) return [];
    return JSON.parse(String(row.gaps_json)) as SeqRange[];
  }

  car(vehicle: string): HubCarRow | null {
    const row = this.carRow.get(vehicle) as Row | undefined;
    if (row === undefined) return null;
    return {
      vehicle,
      stateJson: row.state_json === null ? null : String(row.state_json),
      geoFixTime: nullableNumber(row.geo_fix_time),
      geoSentAt: nullableNumber(row.geo_sent_at),
    };
  }

  saveState(vehicle: string, stateJson: string): void {
    this.upsertState.run(vehicle, stateJson);
  }

  saveGeoSent(vehicle: string, fixTime: number, sentAt: number): void {
    this.upsertGeo.run(vehicle, fixTime, sentAt);
  }

  /** The shared case id stored with a mission dispatch knows (`caseId` in its body), if any. */
  missionCaseId(missionId: string): string | null {
    const row = this.missionCase.get(missionId) as Row | undefined;
    return typeof row?.case_id === "string" ? row.case_id : null;
  }

  /** Cars with a position whose last GEO-POS is at least `intervalMs` old (or in the future). */
  positionsDue(now: number, intervalMs: number): HubPositionRow[] {
    return (this.positionRows.all(now - intervalMs, now) as Row[]).map((row) => ({
      vehicle: String(row.vehicle),
      positionJson: String(row.position_json),
      statusJson: row.status_json === null ? null : String(row.status_json),
      stateJson: row.state_json === null || row.state_json === undefined ? null : String(row.state_json),
      geoFixTime: nullableNumber(row.geo_fix_time),
      geoSentAt: nullableNumber(row.geo_sent_at),
    }));
  }

  enqueue(row: HubOutboxInsert): number {
    return Number(
      this.insertOutbox.run(
        row.distributionId,
        row.kind,
        row.vehicle,
        row.payload,
        row.createdAt,
        row.expiresAt,
      ).lastInsertRowid,
    );
  }

  /** Rows after `afterId`, oldest first. */
  pendingAfter(afterId: number, limit: number): HubOutboxRow[] {
    return (this.pendingRows.all(afterId, limit) as Row[]).map(outboxRow);
  }

  byId(id: number): HubOutboxRow | null {
    const row = this.rowById.get(id) as Row | undefined;
    return row === undefined ? null : outboxRow(row);
  }

  /** Confirmed (or expired) rows, in one transaction: one fsync for a whole batch of confirms. */
  remove(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) this.deleteRow.run(id);
    })();
  }

  pendingCount(): number {
    return Number((this.countRows.get() as Row).n);
  }

  /** Statuses committed and not mapped yet. */
  feedCount(): number {
    return Number((this.countFeed.get() as Row).n);
  }
}
