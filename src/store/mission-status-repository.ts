/**
 * The current radio status and its history in SQLite (schema in mission-migrations.ts): implements
 * StatusStore. The current status is one row, so that a restart finds it without scanning history.
 */
import type { Database, Statement } from "better-sqlite3";
import { radioStatusByKey, type StatusKey } from "../domain/radio-status.ts";
import type { StatusRecord, StatusStore } from "../services/mission-ports.ts";

interface StatusRow {
  key: StatusKey;
  since: number;
  mission_id: string | null;
  lat: number | null;
  lon: number | null;
  message_id: string;
  note?: string | null;
}

function toRecord(row: StatusRow): StatusRecord {
  return {
    key: row.key,
    since: row.since,
    missionId: row.mission_id,
    lat: row.lat,
    lon: row.lon,
    messageId: row.message_id,
    ...(row.note === undefined ? {} : { note: row.note }),
  };
}

export class SqliteStatusStore implements StatusStore {
  private readonly selectCurrent: Statement<[], StatusRow>;
  private readonly upsertCurrent: Statement<[StatusRow]>;
  private readonly insertHistory: Statement<[StatusRow & { code: number; note: string | null }]>;
  private readonly selectHistory: Statement<[number], StatusRow>;

  constructor(db: Database) {
    this.selectCurrent = db.prepare(
      "SELECT key, since, mission_id, lat, lon, message_id FROM radio_status WHERE singleton = 1",
    );
    this.upsertCurrent = db.prepare(
      `INSERT INTO radio_status (singleton, key, since, mission_id, lat, lon, message_id)
       VALUES (1, @key, @since, @mission_id, @lat, @lon, @message_id)
       ON CONFLICT (singleton) DO UPDATE SET key = excluded.key, since = excluded.since,
       mission_id = excluded.mission_id, lat = excluded.lat, lon = excluded.lon, message_id = excluded.message_id`,
    );
    this.insertHistory = db.prepare(
      `INSERT INTO status_history (key, code, at, mission_id, lat, lon, message_id, note)
       VALUES (@key, @code, @since, @mission_id, @lat, @lon, @message_id, @note)`,
    );
    this.selectHistory = db.prepare(
      `SELECT key, at AS since, mission_id, lat, lon, message_id, note FROM status_history
       ORDER BY id DESC LIMIT ?`,
    );
  }

  current(): StatusRecord | null {
    const row = this.selectCurrent.get();
    return row === undefined ? null : toRecord(row);
  }

  record(status: StatusRecord, isCurrent: boolean): void {
    const code = radioStatusByKey(status.key)?.code;
    if (code === undefined) throw new RangeError(`unknown status key ${status.key}`);
    const row: StatusRow = {
      key: status.key,
      since: status.since,
      mission_id: status.missionId,
      lat: status.lat,
      lon: status.lon,
      message_id: status.messageId,
    };
    this.insertHistory.run({ ...row, code, note: status.note ?? null });
    if (isCurrent) this.upsertCurrent.run(row);
  }

  history(limit: number): StatusRecord[] {
    return this.selectHistory.all(limit).map(toRecord);
  }
}
