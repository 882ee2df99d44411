/**
 * The alarms in SQLite (schema in alarm-migrations.ts): implements the `AlarmStore` port of
 * src/services/alarm-store.ts. Writes join the caller's transaction (the outbox's unit of work), so an
 * alarm's state and its outgoing event commit together. Open the database with synchronous=FULL.
 */
import type { Database, Statement } from "better-sqlite3";
import type { Alarm, AlarmKind, AlarmPhase } from "../domain/alarms/alarm.ts";
import type { LoneWorkerState } from "../domain/alarms/lone-worker.ts";
import type { AlarmEventRecord, AlarmEventRole, AlarmStore } from "../services/alarm-store.ts";

interface AlarmRow {
  alarm_id: string;
  kind: AlarmKind;
  phase: AlarmPhase;
  raised_at: number;
  next_repeat_at: number | null;
  repeats: number;
  acknowledged_at: number | null;
  cancelled_at: number | null;
}

interface EventRow {
  event_id: string;
  role: AlarmEventRole;
  at: number;
}

interface LoneWorkerRow {
  phase: LoneWorkerState["phase"];
  started_at: number | null;
  due_at: number | null;
  countdown_ends_at: number | null;
  alarmed_since: number | null;
}

const alarmColumns =
  "alarm_id, kind, phase, raised_at, next_repeat_at, repeats, acknowledged_at, cancelled_at";

function toAlarm(row: AlarmRow): Alarm {
  return {
    alarmId: row.alarm_id,
    kind: row.kind,
    phase: row.phase,
    raisedAt: row.raised_at,
    nextRepeatAt: row.next_repeat_at,
    repeats: row.repeats,
    acknowledgedAt: row.acknowledged_at,
    cancelledAt: row.cancelled_at,
  };
}

export class AlarmRepositoryError extends Error {
  override name = "AlarmRepositoryError";
}

/** A row that lost a deadline it needs (hand edits, a bug) must not silently become "no timer". */
function toLoneWorker(row: LoneWorkerRow): LoneWorkerState {
  const missing = (what: string) =>
    new AlarmRepositoryError(`lone_worker row in phase ${row.phase} has no ${what}`);
  switch (row.phase) {
    case "off":
      return { phase: "off" };
    case "running":
      if (row.started_at === null || row.due_at === null) throw missing("started_at/due_at");
      return { phase: "running", startedAt: row.started_at, dueAt: row.due_at };
    case "pre_alarm":
      if (row.due_at === null || row.countdown_ends_at === null) throw missing("due_at/countdown_ends_at");
      return { phase: "pre_alarm", dueAt: row.due_at, countdownEndsAt: row.countdown_ends_at };
    case "alarmed":
      if (row.alarmed_since === null) throw missing("alarmed_since");
      return { phase: "alarmed", since: row.alarmed_since };
  }
}

export class SqliteAlarmStore implements AlarmStore {
  private readonly selectOpen: Statement<[], AlarmRow>;
  private readonly selectOne: Statement<[string], AlarmRow>;
  private readonly upsert: Statement<
    [string, string, string, number, number | null, number, number | null, number | null]
  >;
  private readonly insertEvent: Statement<[string, string, string, number]>;
  private readonly selectEvents: Statement<[string], EventRow>;
  private readonly selectLoneWorker: Statement<[], LoneWorkerRow>;
  private readonly updateLoneWorker: Statement<
    [string, number | null, number | null, number | null, number | null]
  >;

  /** `db` opened with synchronous=FULL and migrations including alarmMigrations (version 6). */
  constructor(db: Database) {
    this.selectOpen = db.prepare(
      `SELECT ${alarmColumns} FROM alarms WHERE phase != 'cancelled' ORDER BY raised_at, alarm_id`,
    );
    this.selectOne = db.prepare(`SELECT ${alarmColumns} FROM alarms WHERE alarm_id = ?`);
    this.upsert = db.prepare(
      `INSERT INTO alarms (${alarmColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (alarm_id) DO UPDATE SET phase = excluded.phase, next_repeat_at = excluded.next_repeat_at,
         repeats = excluded.repeats, acknowledged_at = excluded.acknowledged_at,
         cancelled_at = excluded.cancelled_at`,
    );
    this.insertEvent = db.prepare(
      "INSERT INTO alarm_events (event_id, alarm_id, role, at) VALUES (?, ?, ?, ?)",
    );
    this.selectEvents = db.prepare(
      "SELECT event_id, role, at FROM alarm_events WHERE alarm_id = ? ORDER BY at, event_id",
    );
    this.selectLoneWorker = db.prepare(
      "SELECT phase, started_at, due_at, countdown_ends_at, alarmed_since FROM lone_worker WHERE singleton = 1",
    );
    this.updateLoneWorker = db.prepare(
      `UPDATE lone_worker SET phase = ?, started_at = ?, due_at = ?, countdown_ends_at = ?, alarmed_since = ?
       WHERE singleton = 1`,
    );
  }

  openAlarms(): Alarm[] {
    return this.selectOpen.all().map(toAlarm);
  }

  get(alarmId: string): Alarm | null {
    const row = this.selectOne.get(alarmId);
    return row === undefined ? null : toAlarm(row);
  }

  save(alarm: Alarm): void {
    this.upsert.run(
      alarm.alarmId,
      alarm.kind,
      alarm.phase,
      alarm.raisedAt,
      alarm.nextRepeatAt,
      alarm.repeats,
      alarm.acknowledgedAt,
      alarm.cancelledAt,
    );
  }

  recordEvent(alarmId: string, event: AlarmEventRecord): void {
    this.insertEvent.run(event.eventId, alarmId, event.role, event.at);
  }

  events(alarmId: string): AlarmEventRecord[] {
    return this.selectEvents
      .all(alarmId)
      .map((row) => ({ eventId: row.event_id, role: row.role, at: row.at }));
  }

  loneWorker(): LoneWorkerState {
    const row = this.selectLoneWorker.get();
    if (row === undefined)
      throw new AlarmRepositoryError("lone_worker row is missing (migration 6 not applied?)");
    return toLoneWorker(row);
  }

  saveLoneWorker(state: LoneWorkerState): void {
    const changed = this.updateLoneWorker.run(
      state.phase,
      state.phase === "running" ? state.startedAt : null,
      state.phase === "running" || state.phase === "pre_alarm" ? state.dueAt : null,
      state.phase === "pre_alarm" ? state.countdownEndsAt : null,
      state.phase === "alarmed" ? state.since : null,
    ).changes;
    if (changed !== 1)
      throw new AlarmRepositoryError("lone_worker row is missing (migration 6 not applied?)");
  }
}
