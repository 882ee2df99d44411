/**
 * Missions and their timeline in SQLite (schema in mission-migrations.ts): implements MissionStore.
 *
 * The purge must leave no patient identifier in the FILE, not only in query results: SQLite keeps a
 * deleted or overwritten value in the page's free space, in freelist pages and in the WAL until the
 * next checkpoint. So this connection runs with `secure_delete = ON` (freed space is zeroed), and
 * after a purge `compactAfterPurge` checkpoints the WAL with TRUNCATE, so that older page images that
 * still hold the values are gone from the -wal file too.
 */
import type { Database, Statement } from "better-sqlite3";
import type { MissionDetails } from "../domain/missions/mission-details.ts";
import type { MissionState } from "../domain/missions/mission-lifecycle.ts";
import type {
  MissionRecord,
  MissionStore,
  NewTimelineEntry,
  TimelineEntry,
  TimelineKind,
} from "../services/mission-ports.ts";
import type { Logger } from "../services/ports.ts";

interface MissionRow {
  id: string;
  state: MissionState;
  details: string;
  assigned_at: number;
  updated_at: number;
  ended_at: number | null;
  cancel_reason: string | null;
  decline_reason: string | null;
  report_message_id: string | null;
  purged_at: number | null;
}

interface TimelineRow {
  id: number;
  mission_id: string;
  kind: TimelineKind;
  state: string;
  at: number;
  lat: number | null;
  lon: number | null;
  message_id: string | null;
  note: string | null;
}

const missionColumns =
  "id, state, details, assigned_at, updated_at, ended_at, cancel_reason, decline_reason, report_message_id, purged_at";

function toRecord(row: MissionRow): MissionRecord {
  return {
    id: row.id,
    state: row.state,
    details: JSON.parse(row.details) as MissionDetails,
    assignedAt: row.assigned_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
    cancelReason: row.cancel_reason,
    declineReason: row.decline_reason,
    reportMessageId: row.report_message_id,
    purgedAt: row.purged_at,
  };
}

function toEntry(row: TimelineRow): TimelineEntry {
  return {
    id: row.id,
    missionId: row.mission_id,
    kind: row.kind,
    state: row.state,
    at: row.at,
    lat: row.lat,
    lon: row.lon,
    messageId: row.message_id,
    note: row.note,
  };
}

function values(record: MissionRecord) {
  return {
    id: record.id,
    state: record.state,
    priority: record.details.priority,
    details: JSON.stringify(record.details),
    assigned_at: record.assignedAt,
    updated_at: record.updatedAt,
    ended_at: record.endedAt,
    cancel_reason: record.cancelReason,
    decline_reason: record.declineReason,
    report_message_id: record.reportMessageId,
    purged_at: record.purgedAt,
  };
}

export class SqliteMissionStore implements MissionStore {
  private readonly insertMission: Statement<[ReturnType<typeof values>]>;
  private readonly updateMission: Statement<[ReturnType<typeof values>]>;
  private readonly selectMission: Statement<[string], MissionRow>;
  private readonly selectList: Statement<[number], MissionRow>;
  private readonly insertTimeline: Statement<[NewTimelineEntry], number>;
  private readonly selectTimeline: Statement<[string], TimelineRow>;
  private readonly selectUnpurged: Statement<[number], MissionRow>;
  private readonly purgeMission: Statement<[string, number, string]>;
  private readonly purgeReport: Statement<[string]>;
  private readonly purgeTimeline: Statement<[string]>;

  constructor(
    private readonly db: Database,
    private readonly logger?: Logger,
  ) {
    // Per connection, and it applies to every table: deleted content is overwritten with zeros.
    db.pragma("secure_delete = ON");
    this.insertMission = db.prepare(
      `INSERT INTO missions (${missionColumns}, priority) VALUES (@id, @state, @details, @assigned_at,
       @updated_at, @ended_at, @cancel_reason, @decline_reason, @report_message_id, @purged_at, @priority)`,
    );
    this.updateMission = db.prepare(
      `UPDATE missions SET state = @state, priority = @priority, details = @details,
       assigned_at = @assigned_at, updated_at = @updated_at, ended_at = @ended_at,
       cancel_reason = @cancel_reason, decline_reason = @decline_reason,
       report_message_id = @report_message_id, purged_at = @purged_at WHERE id = @id`,
    );
    this.selectMission = db.prepare(`SELECT ${missionColumns} FROM missions WHERE id = ?`);
    this.selectList = db.prepare(
      `SELECT ${missionColumns} FROM missions ORDER BY assigned_at DESC, rowid DESC LIMIT ?`,
    );
    this.insertTimeline = db
      .prepare<[NewTimelineEntry], number>(
        `INSERT INTO mission_timeline (mission_id, kind, state, at, lat, lon, message_id, note)
         VALUES (@missionId, @kind, @state, @at, @lat, @lon, @messageId, @note) RETURNING id`,
      )
      .pluck();
    this.selectTimeline = db.prepare(
      "SELECT id, mission_id, kind, state, at, lat, lon, message_id, note FROM mission_timeline WHERE mission_id = ? ORDER BY id",
    );
    this.selectUnpurged = db.prepare(
      `SELECT ${missionColumns} FROM missions WHERE purged_at IS NULL AND ended_at IS NOT NULL
       AND state IN ('closed', 'declined', 'cancelled') AND ended_at <= ? ORDER BY ended_at`,
    );
    this.purgeMission = db.prepare(
      "UPDATE missions SET details = ?, purged_at = ?, cancel_reason = NULL, decline_reason = NULL WHERE id = ?",
    );
    this.purgeReport = db.prepare("UPDATE visit_reports SET summary = NULL WHERE mission_id = ?");
    this.purgeTimeline = db.prepare("UPDATE mission_timeline SET note = NULL WHERE mission_id = ?");
  }

  insert(record: MissionRecord): void {
    this.insertMission.run(values(record));
  }

  get(id: string): MissionRecord | null {
    const row = this.selectMission.get(id);
    return row === undefined ? null : toRecord(row);
  }

  save(record: MissionRecord): void {
    const changes = this.updateMission.run(values(record)).changes;
    if (changes !== 1) throw new Error(`mission ${record.id} is not stored`);
  }

  list(limit: number): MissionRecord[] {
    return this.selectList.all(limit).map(toRecord);
  }

  inStates(states: readonly MissionState[]): MissionRecord[] {
    if (states.length === 0) return [];
    const marks = states.map(() => "?").join(", ");
    return this.db
      .prepare<string[], MissionRow>(
        `SELECT ${missionColumns} FROM missions WHERE state IN (${marks}) ORDER BY assigned_at, rowid`,
      )
      .all(...states)
      .map(toRecord);
  }

  addTimeline(entry: NewTimelineEntry): TimelineEntry {
    const id = this.insertTimeline.get(entry);
    if (id === undefined) throw new Error("timeline insert returned no id");
    return { id, ...entry };
  }

  timeline(missionId: string): TimelineEntry[] {
    return this.selectTimeline.all(missionId).map(toEntry);
  }

  unpurgedEndedBefore(endedBefore: number): MissionRecord[] {
    return this.selectUnpurged.all(endedBefore).map(toRecord);
  }

  purgePatientData(missionId: string, purged: MissionDetails, at: number): void {
    this.purgeMission.run(JSON.stringify(purged), at, missionId);
    this.purgeReport.run(missionId);
    this.purgeTimeline.run(missionId);
  }

  compactAfterPurge(): void {
    // A reader holding an old snapshot (the UI API) keeps frames alive: `busy` is then 1 and the next
    // purge round checkpoints again. The purged values are already unreadable through SQL.
    const [result] = this.db.pragma("wal_checkpoint(TRUNCATE)") as Array<{ busy: number }>;
    if (result !== undefined && result.busy !== 0)
      this.logger?.warn("WAL checkpoint after the patient-data purge was blocked by a reader; retried later");
  }
}
