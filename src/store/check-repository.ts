/**
 * Technicians and signed check runs in SQLite (schema in check-migrations.ts): implements the
 * `CheckStore` port of src/services/technician-checks.ts.
 *
 * Use the same connection as the SqliteOutbox, and write inside its `transaction`: a run and its
 * `check` events then commit together. Open the file with synchronous=FULL (a signed run must
 * survive a power cut, like the outbox).
 */
import type { Database, Statement } from "better-sqlite3";
import type { CheckRecord, CheckSchedule } from "../domain/equipment/technician-checks.ts";
import type {
  CheckResultRecord,
  CheckRunRecord,
  CheckStore,
  HistoryRange,
  StoredPin,
  Technician,
} from "../services/technician-checks.ts";

interface TechnicianRow {
  id: string;
  display_name: string;
  pin_algorithm: "scrypt";
  pin_hash: Buffer;
  pin_salt: Buffer;
  scrypt_n: number;
  scrypt_r: number;
  scrypt_p: number;
  key_length: number;
  failed_attempts: number;
  locked_until: number | null;
  enrolled_at: number;
}

interface RunRow {
  seq: number;
  id: string;
  vehicle: string;
  schedule: CheckSchedule;
  technician_id: string;
  technician_name: string;
  signed_at: number;
}

interface ResultRow {
  run_seq: number;
  check_id: string;
  equipment_id: string | null;
  label_fr: string;
  label_en: string;
  result: "pass" | "fail";
  notes: string | null;
  message_id: string;
}

function toTechnician(row: TechnicianRow): Technician {
  return {
    id: row.id,
    displayName: row.display_name,
    pin: {
      algorithm: row.pin_algorithm,
      hash: new Uint8Array(row.pin_hash),
      salt: new Uint8Array(row.pin_salt),
      params: { N: row.scrypt_n, r: row.scrypt_r, p: row.scrypt_p, keyLength: row.key_length },
    },
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until,
    enrolledAt: row.enrolled_at,
  };
}

function toResult(row: ResultRow): CheckResultRecord {
  return {
    checkId: row.check_id,
    ...(row.equipment_id !== null ? { equipmentId: row.equipment_id } : {}),
    label: { fr: row.label_fr, en: row.label_en },
    result: row.result,
    ...(row.notes !== null ? { notes: row.notes } : {}),
    messageId: row.message_id,
  };
}

const pinColumns = "pin_algorithm, pin_hash, pin_salt, scrypt_n, scrypt_r, scrypt_p, key_length";
const resultColumns = "run_seq, check_id, equipment_id, label_fr, label_en, result, notes, message_id";

export class SqliteCheckRepository implements CheckStore {
  private readonly insertTechnician: Statement;
  private readonly selectTechnician: Statement<[string], TechnicianRow>;
  private readonly updateAttempts: Statement<[number, number | null, string]>;
  private readonly updatePin: Statement<[string, Buffer, Buffer, number, number, number, number, string]>;
  private readonly insertRun: Statement<[string, string, string, string, string, number]>;
  private readonly insertResult: Statement;
  private readonly selectLatest: Statement<[], { check_id: string; result: "pass" | "fail"; at: number }>;
  private readonly selectRuns: Statement<[number, number], RunRow>;
  private readonly selectResults: Statement<[number, number], ResultRow>;

  constructor(private readonly db: Database) {
    this.insertTechnician = db.prepare(
      `INSERT OR IGNORE INTO technicians (id, display_name, ${pinColumns}, failed_attempts, locked_until, enrolled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectTechnician = db.prepare(
      `SELECT id, display_name, ${pinColumns}, failed_attempts, locked_until, enrolled_at
       FROM technicians WHERE id = ?`,
    );
    this.updateAttempts = db.prepare(
      "UPDATE technicians SET failed_attempts = ?, locked_until = ? WHERE id = ?",
    );
    this.updatePin = db.prepare(
      `UPDATE technicians SET (${pinColumns}) = (?, ?, ?, ?, ?, ?, ?) WHERE id = ?`,
    );
    this.insertRun = db.prepare(
      `INSERT INTO check_runs (id, vehicle, schedule, technician_id, technician_name, signed_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.insertResult = db.prepare(
      `INSERT INTO check_results (${resultColumns}, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Newest = signed last (insertion order), not the largest signed_at: see check-migrations.ts.
    this.selectLatest = db.prepare(
      `SELECT r.check_id, r.result, run.signed_at AS at
       FROM check_results r JOIN check_runs run ON run.seq = r.run_seq
       WHERE r.run_seq = (SELECT MAX(run_seq) FROM check_results WHERE check_id = r.check_id)`,
    );
    const range = "signed_at >= ? AND signed_at < ?";
    this.selectRuns = db.prepare(
      `SELECT seq, id, vehicle, schedule, technician_id, technician_name, signed_at
       FROM check_runs WHERE ${range} ORDER BY signed_at, seq`,
    );
    this.selectResults = db.prepare(
      `SELECT ${resultColumns} FROM check_results
       WHERE run_seq IN (SELECT seq FROM check_runs WHERE ${range}) ORDER BY run_seq, position`,
    );
  }

  addTechnician(technician: Technician): boolean {
    const { pin } = technician;
    return (
      this.insertTechnician.run(
        technician.id,
        technician.displayName,
        ...pinValues(pin),
        technician.failedAttempts,
        technician.lockedUntil,
        technician.enrolledAt,
      ).changes === 1
    );
  }

  technician(id: string): Technician | null {
    const row = this.selectTechnician.get(id);
    return row === undefined ? null : toTechnician(row);
  }

  setAttempts(id: string, failedAttempts: number, lockedUntil: number | null): void {
    this.updateAttempts.run(failedAttempts, lockedUntil, id);
  }

  setPin(id: string, pin: StoredPin): void {
    this.updatePin.run(...pinValues(pin), id);
  }

  addRun(run: CheckRunRecord): void {
    this.db.transaction(() => {
      const seq = Number(
        this.insertRun.run(
          run.runId,
          run.vehicle,
          run.schedule,
          run.technicianId,
          run.technicianName,
          run.signedAt,
        ).lastInsertRowid,
      );
      run.results.forEach((result, position) => {
        this.insertResult.run(
          seq,
          result.checkId,
          result.equipmentId ?? null,
          result.label.fr,
          result.label.en,
          result.result,
          result.notes ?? null,
          result.messageId,
          position,
        );
      });
    })();
  }

  latestByCheck(): Record<string, CheckRecord> {
    const latest: Record<string, CheckRecord> = {};
    for (const row of this.selectLatest.all()) latest[row.check_id] = { at: row.at, result: row.result };
    return latest;
  }

  history(range: HistoryRange = {}): CheckRunRecord[] {
    // One read transaction: the runs and their results from the same snapshot, even while the core
    // (another connection) signs a run between the two statements.
    return this.db.transaction(() => this.readHistory(range))();
  }

  private readHistory(range: HistoryRange): CheckRunRecord[] {
    const from = range.from ?? Number.MIN_SAFE_INTEGER;
    const to = range.to ?? Number.MAX_SAFE_INTEGER;
    const results = new Map<number, CheckResultRecord[]>();
    for (const row of this.selectResults.all(from, to)) {
      const list = results.get(row.run_seq) ?? [];
      list.push(toResult(row));
      results.set(row.run_seq, list);
    }
    return this.selectRuns.all(from, to).map((row) => ({
      runId: row.id,
      vehicle: row.vehicle,
      schedule: row.schedule,
      technicianId: row.technician_id,
      technicianName: row.technician_name,
      signedAt: row.signed_at,
      results: results.get(row.seq) ?? [],
    }));
  }
}

function pinValues(pin: StoredPin): [string, Buffer, Buffer, number, number, number, number] {
  return [
    pin.algorithm,
    Buffer.from(pin.hash),
    Buffer.from(pin.salt),
    pin.params.N,
    pin.params.r,
    pin.params.p,
    pin.params.keyLength,
  ];
}
