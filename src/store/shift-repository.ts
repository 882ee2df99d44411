/**
 * Shifts in SQLite (`shifts`, `shift_start_checks`; shift-migrations.ts): implements `ShiftStore`,
 * and `ShiftAlarmSource`, a read-only look at the alarms' table (alarm-migrations.ts) for the shift
 * summary: the alarm store's port has no "raised between" query, and the summary needs only four
 * columns of it.
 */
import type { Database, Statement } from "better-sqlite3";
import type { CheckRecord } from "../domain/equipment/technician-checks.ts";
import type { ShiftSummary } from "../domain/shifts/shift-summary.ts";
import type {
  AlarmRecordForSummary,
  ShiftAlarmSource,
  ShiftRecord,
  ShiftStartCheck,
  ShiftStore,
} from "../services/shift-ports.ts";

interface ShiftRow {
  seq: number;
  id: string;
  rpps: string;
  doctor_name: string;
  started_at: number;
  ended_at: number | null;
  track_from_id: number;
  shift_start_at: number | null;
  summary_json: string | null;
  start_message_id: string;
  end_message_id: string | null;
}

interface CheckRow {
  check_id: string;
  result: "pass" | "fail";
  notes: string | null;
  message_id: string;
}

/**
 * The doctors' shift-start answers as check history, for the equipment monitor: a check the doctor
 * failed at sign-in turns its item to fault, one she passed is no longer overdue.
 */
export class SqliteDoctorCheckHistory {
  private readonly latest: Statement<[], { check_id: string; result: "pass" | "fail"; at: number }>;

  constructor(db: Database) {
    // SQLite takes the bare `result` from the row that holds max(): the newest answer of each check.
    this.latest = db.prepare(`
      SELECT c.check_id AS check_id, c.result AS result, max(s.shift_start_at) AS at
      FROM shift_start_checks c JOIN shifts s ON s.seq = c.shift_seq
      WHERE s.shift_start_at IS NOT NULL GROUP BY c.check_id`);
  }

  latestByCheck(): Record<string, CheckRecord> {
    const out: Record<string, CheckRecord> = {};
    for (const row of this.latest.all()) out[row.check_id] = { at: row.at, result: row.result };
    return out;
  }
}

export class SqliteShiftStore implements ShiftStore {
  private readonly selectOpen: Statement<[], ShiftRow>;
  private readonly selectOne: Statement<[string], ShiftRow>;
  private readonly selectChecks: Statement<[number], CheckRow>;
  private readonly insertShift: Statement<Record<string, unknown>>;
  private readonly setShiftStart: Statement<[number, string]>;
  private readonly insertCheck: Statement<[number, number, string, string, string | null, string]>;
  private readonly endShift: Statement<[number, string, string, string]>;
  private readonly selectRange: Statement<[number, number, number], ShiftRow>;

  constructor(db: Database) {
    this.selectOpen = db.prepare("SELECT * FROM shifts WHERE ended_at IS NULL ORDER BY seq DESC LIMIT 1");
    this.selectOne = db.prepare("SELECT * FROM shifts WHERE id = ?");
    this.selectChecks = db.prepare(
      "SELECT check_id, result, notes, message_id FROM shift_start_checks WHERE shift_seq = ? ORDER BY position",
    );
    this.insertShift = db.prepare(`
      INSERT INTO shifts (id, rpps, doctor_name, started_at, track_from_id, start_message_id)
      VALUES (@id, @rpps, @doctor_name, @started_at, @track_from_id, @start_message_id)`);
    this.setShiftStart = db.prepare("UPDATE shifts SET shift_start_at = ? WHERE id = ?");
    this.insertCheck = db.prepare(`
      INSERT INTO shift_start_checks (shift_seq, position, check_id, result, notes, message_id)
      VALUES (?, ?, ?, ?, ?, ?)`);
    this.endShift = db.prepare(
      "UPDATE shifts SET ended_at = ?, summary_json = ?, end_message_id = ? WHERE id = ? AND ended_at IS NULL",
    );
    this.selectRange = db.prepare(
      "SELECT * FROM shifts WHERE started_at >= ? AND started_at < ? ORDER BY started_at DESC, seq DESC LIMIT ?",
    );
  }

  open(): ShiftRecord | null {
    const row = this.selectOpen.get();
    return row === undefined ? null : this.toShift(row);
  }

  get(shiftId: string): ShiftRecord | null {
    const row = this.selectOne.get(shiftId);
    return row === undefined ? null : this.toShift(row);
  }

  insert(shift: ShiftRecord): void {
    this.insertShift.run({
      id: shift.shiftId,
      rpps: shift.rpps,
      doctor_name: shift.doctorName,
      started_at: Math.round(shift.startedAt),
      track_from_id: shift.trackFromId,
      start_message_id: shift.startMessageId,
    });
  }

  recordShiftStart(shiftId: string, at: number, results: readonly ShiftStartCheck[]): void {
    const row = this.selectOne.get(shiftId);
    if (row === undefined) throw new RangeError(`unknown shift ${shiftId}`);
    this.setShiftStart.run(Math.round(at), shiftId);
    results.forEach((result, position) => {
      this.insertCheck.run(
        row.seq,
        position,
        result.checkId,
        result.result,
        result.notes ?? null,
        result.messageId,
      );
    });
  }

  end(shiftId: string, endedAt: number, summary: ShiftSummary, endMessageId: string): void {
    const changed = this.endShift.run(Math.round(endedAt), JSON.stringify(summary), endMessageId, shiftId);
    if (changed.changes !== 1) throw new RangeError(`shift ${shiftId} is not open`);
  }

  history(range: { from?: number; to?: number; limit?: number } = {}): ShiftRecord[] {
    return this.selectRange
      .all(range.from ?? Number.MIN_SAFE_INTEGER, range.to ?? Number.MAX_SAFE_INTEGER, range.limit ?? 10_000)
      .map((row) => this.toShift(row));
  }

  private toShift(row: ShiftRow): ShiftRecord {
    const checks = row.shift_start_at === null ? [] : this.selectChecks.all(row.seq);
    return {
      shiftId: row.id,
      rpps: row.rpps,
      doctorName: row.doctor_name,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      trackFromId: row.track_from_id,
      shiftStart:
        row.shift_start_at === null
          ? null
          : {
              at: row.shift_start_at,
              results: checks.map((check) => ({
                checkId: check.check_id,
                result: check.result,
                ...(check.notes === null ? {} : { notes: check.notes }),
                messageId: check.message_id,
              })),
            },
      summary: row.summary_json === null ? null : (JSON.parse(row.summary_json) as ShiftSummary),
      startMessageId: row.start_message_id,
      endMessageId: row.end_message_id,
    };
  }
}

export class SqliteShiftAlarmSource implements ShiftAlarmSource {
  private readonly select: Statement<[number, number], AlarmRecordForSummary>;

  constructor(db: Database) {
    this.select = db.prepare(`
      SELECT alarm_id AS alarmId, kind, raised_at AS raisedAt, acknowledged_at AS acknowledgedAt,
             cancelled_at AS cancelledAt
      FROM alarms WHERE raised_at BETWEEN ? AND ? ORDER BY raised_at`);
  }

  raisedBetween(from: number, to: number): AlarmRecordForSummary[] {
    return this.select.all(from, to);
  }
}
