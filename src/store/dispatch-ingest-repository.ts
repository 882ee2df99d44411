/**
 * Stores a batch of inbound car messages in ONE transaction (group commit: with synchronous=FULL a
 * commit costs an fsync, so 2,000 positions a second must not each pay one; PITFALLS.md, better-sqlite3).
 * The transaction is IMMEDIATE, so that several dispatch instances sharing this file (and the load,
 * through a shared subscription) serialise their batches: de-duplication and seq gaps stay right.
 *
 * The result says which events to acknowledge: the caller sends the acks only after this returns,
 * i.e. after the commit (PROTOCOL.md A: `ack` means "durably received").
 */
import type { Database, Statement } from "better-sqlite3";
import { messageIdKey } from "../contracts/ids.ts";
import type { CarMessage } from "../contracts/messages.ts";
import type { Fix } from "../domain/gnss/fix.ts";
import { type BatchResult, type Inbound, needsOperatorAck } from "../services/dispatch-inbound.ts";
import { missionStateAfter } from "../services/dispatch-mission-states.ts";
import { applySeq, missingCount, type SeqRange } from "../services/dispatch-seq-gaps.ts";
import { prepareStatements } from "./prepared-statements.ts";

type Row = Record<string, unknown>;

const sql = {
  insertReceived:
    "INSERT OR IGNORE INTO received (id, vehicle, type, ts, seq, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
  ensureCar: "INSERT OR IGNORE INTO cars (vehicle, fleet) VALUES (?, ?)",
  readSeq: "SELECT last_seq, gaps_json FROM cars WHERE vehicle = ?",
  writeSeq: "UPDATE cars SET last_seq = ?, gaps_json = ?, missing = ? WHERE vehicle = ?",
  insertPosition:
    "INSERT OR IGNORE INTO positions (vehicle, fix_time, lat, lon, speed, heading, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  // A retained position re-delivered after a newer one must not move the car back.
  writeLivePosition: `UPDATE cars SET position_json = ?, position_received_at = ?
       WHERE vehicle = ? AND (position_json IS NULL OR json_extract(position_json, '$.fixTime') <= ?)`,
  writePresence: `UPDATE cars SET presence_state = ?, presence_since = ?, presence_ts = ?, app = ?
       WHERE vehicle = ? AND (presence_ts IS NULL OR presence_ts <= ?)`,
  writeStatus:
    "UPDATE cars SET status_json = ?, status_ts = ? WHERE vehicle = ? AND (status_ts IS NULL OR status_ts <= ?)",
  writeEquipment: `UPDATE cars SET equipment_json = ?, equipment_ts = ?, equipment_at = ?
       WHERE vehicle = ? AND (equipment_ts IS NULL OR equipment_ts <= ?)`,
  // With a seq (every outbox message has one), the car's own commit order says which is newer, not
  // its clock: a status stamped during a jump of the car's clock used to hide every later one until
  // real time caught up (found by test/reliability/chaos). The message is in `received` already.
  // A car whose store was wiped restarts at seq 1: like the seq gaps (dispatch-seq-gaps.ts), dispatch
  // then holds its last status until the new numbering passes the old one.
  writeStatusBySeq: `UPDATE cars SET status_json = ?, status_ts = ? WHERE vehicle = ?
       AND NOT EXISTS (SELECT 1 FROM received WHERE vehicle = ? AND type = 'status' AND seq > ?)`,
  writeEquipmentBySeq: `UPDATE cars SET equipment_json = ?, equipment_ts = ?, equipment_at = ? WHERE vehicle = ?
       AND NOT EXISTS (SELECT 1 FROM received WHERE vehicle = ? AND type = 'equipment' AND seq > ?)`,
  readAlarm: "SELECT state FROM alarms WHERE vehicle = ? AND alarm_id = ?",
  raiseAlarm: `INSERT INTO alarms (vehicle, alarm_id, kind, state, lat, lon, note, raised_at)
       VALUES (?, ?, ?, 'raised', ?, ?, ?, ?)
       ON CONFLICT (vehicle, alarm_id) DO UPDATE SET repeats = repeats + 1,
         lat = coalesce(excluded.lat, lat), lon = coalesce(excluded.lon, lon)`,
  cancelAlarm: `INSERT INTO alarms (vehicle, alarm_id, kind, state, lat, lon, note, raised_at, cancelled_at)
       VALUES (?, ?, ?, 'cancelled', ?, ?, ?, ?, ?)
       ON CONFLICT (vehicle, alarm_id) DO UPDATE SET state = 'cancelled', cancelled_at = excluded.cancelled_at`,
  insertAlarmEvent: "INSERT OR IGNORE INTO alarm_events (id, vehicle, alarm_id) VALUES (?, ?, ?)",
  insertMessage:
    "INSERT OR IGNORE INTO messages (id, vehicle, direction, text, reply_to, at) VALUES (?, ?, 'in', ?, ?, ?)",
  bumpUnread: "UPDATE cars SET unread = unread + 1 WHERE vehicle = ?",
  readMission: "SELECT state, vehicle FROM missions WHERE mission_id = ?",
  writeMission: "UPDATE missions SET state = ?, updated_at = ? WHERE mission_id = ?",
  bumpCounter:
    "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
};

export class DispatchIngestRepository {
  private readonly sql: Readonly<Record<keyof typeof sql, Statement>>;

  constructor(private readonly db: Database) {
    this.sql = prepareStatements(db, sql);
  }

  commit(batch: readonly Inbound[]): BatchResult {
    const result: BatchResult = {
      stored: 0,
      duplicates: 0,
      acks: [],
      vehicles: new Set(),
      alarms: new Set(),
      messages: [],
      missions: new Set(),
      gapsOpened: [],
    };
    this.db
      .transaction(() => {
        for (const item of batch) this.storeOne(item, result);
        if (result.duplicates > 0) this.sql.bumpCounter.run("duplicates", result.duplicates);
      })
      .immediate();
    return result;
  }

  /** Counts rejected messages (a malformed or hostile payload), outside any batch. */
  countRejected(count: number): void {
    this.sql.bumpCounter.run("rejected", count);
  }

  private storeOne(item: Inbound, result: BatchResult): void {
    const { vehicle, message, receivedAt } = item;
    this.sql.ensureCar.run(vehicle, item.fleet);
    if (message.type === "position") {
      const p = message.body;
      // A fix seen twice (its retained copy, the catch-up window) is no event: nothing to count.
      if (!this.insertFix(vehicle, p, receivedAt)) return;
      this.sql.writeLivePosition.run(JSON.stringify(p), receivedAt, vehicle, p.fixTime);
      result.stored++;
      result.vehicles.add(vehicle);
      return;
    }
    const bodyForLog = message.type === "track" ? { points: message.body.points.length } : message.body;
    const isNew =
      this.sql.insertReceived.run(
        messageIdKey(message.id),
        vehicle,
        message.type,
        message.ts,
        message.seq ?? null,
        receivedAt,
        JSON.stringify(bodyForLog),
      ).changes === 1;
    if (!isNew) {
      result.duplicates++;
      // The car re-sends an event until it gets its ack: the first ack may have been lost.
      this.ackIfDue(item, result);
      return;
    }
    result.stored++;
    result.vehicles.add(vehicle);
    if (message.seq !== undefined) this.trackSeq(vehicle, message.seq, result);
    this.apply(item, result);
    this.ackIfDue(item, result);
  }

  /** Fills `positions`; false when this fix was already there. */
  private insertFix(vehicle: string, p: Fix, receivedAt: number): boolean {
    const { fixTime, lat, lon, speed, heading } = p;
    return (
      this.sql.insertPosition.run(vehicle, fixTime, lat, lon, speed ?? null, heading ?? null, receivedAt)
        .changes === 1
    );
  }

  private ackIfDue(item: Inbound, result: BatchResult): void {
    const { vehicle, message } = item;
    if (this.isAcked(message) && !this.waitsForOperator(vehicle, message))
      result.acks.push({ fleet: item.fleet, vehicle, ref: message.id });
  }

  /**
   * Every event, and every other message from the car's outbox (it has a `seq`: status, equipment,
   * track): the doctor's screen shows "received by dispatch" for a status too (DESIGN.md §3).
   */
  private isAcked(message: CarMessage): boolean {
    return (
      message.seq !== undefined ||
      message.type === "mission.ack" ||
      message.type === "alarm" ||
      message.type === "message" ||
      message.type === "report" ||
      message.type === "check" ||
      message.type === "rejected" ||
      message.type === "shift"
    );
  }

  private waitsForOperator(vehicle: string, message: CarMessage): boolean {
    if (message.type !== "alarm") return false;
    const row = this.sql.readAlarm.get(vehicle, message.body.alarmId) as Row | undefined;
    return needsOperatorAck(message, row?.state === "acknowledged");
  }

  private trackSeq(vehicle: string, seq: number, result: BatchResult): void {
    const row = this.sql.readSeq.get(vehicle) as Row;
    const state = {
      lastSeq: (row.last_seq as number | null) ?? null,
      gaps: JSON.parse(String(row.gaps_json)) as SeqRange[],
    };
    const step = applySeq(state, seq);
    if (step.verdict === "stale") return;
    if (step.verdict === "gap_opened") {
      const gap = step.state.gaps[step.state.gaps.length - 1];
      if (gap) result.gapsOpened.push({ vehicle, ...gap });
    }
    this.sql.writeSeq.run(
      step.state.lastSeq,
      JSON.stringify(step.state.gaps),
      missingCount(step.state),
      vehicle,
    );
  }

  private apply(item: Inbound, result: BatchResult): void {
    const { vehicle, message, receivedAt } = item;
    const at = new Date(receivedAt).toISOString();
    switch (message.type) {
      case "track": {
        for (const p of message.body.points) this.insertFix(vehicle, p, receivedAt);
        // The board shows the newest fix dispatch holds, however it came: a backfilled point can be
        // newer than the last live one (the live stream follows the reporting policy, not every fix).
        const newest = message.body.points.at(-1);
        if (newest)
          this.sql.writeLivePosition.run(JSON.stringify(newest), receivedAt, vehicle, newest.fixTime);
        return;
      }
      case "presence": {
        const { state, since, app } = message.body;
        this.sql.writePresence.run(state, since, message.ts, app, vehicle, message.ts);
        return;
      }
      case "status": {
        const { ts, seq } = message;
        const body = JSON.stringify(message.body);
        if (seq === undefined) this.sql.writeStatus.run(body, ts, vehicle, ts);
        else this.sql.writeStatusBySeq.run(body, ts, vehicle, vehicle, seq);
        const missionId = message.body.missionId;
        if (missionId !== undefined) this.moveMission(missionId, vehicle, message.body.key, at, result);
        return;
      }
      case "equipment": {
        const { ts, seq } = message;
        const body = JSON.stringify(message.body);
        if (seq === undefined) this.sql.writeEquipment.run(body, ts, receivedAt, vehicle, ts);
        else this.sql.writeEquipmentBySeq.run(body, ts, receivedAt, vehicle, vehicle, seq);
        return;
      }
      case "mission.ack":
        this.moveMission(message.body.missionId, vehicle, message.body.state, at, result);
        return;
      case "report":
        this.moveMission(message.body.missionId, vehicle, "closed", at, result);
        return;
      case "alarm": {
        const b = message.body;
        this.sql.insertAlarmEvent.run(message.id, vehicle, b.alarmId);
        const alarm = [vehicle, b.alarmId, b.kind, b.lat ?? null, b.lon ?? null, b.note ?? null, message.ts];
        // A cancel's time is its `cancelled_at`, and its `raised_at` when its raise never came.
        if (b.state === "raised") this.sql.raiseAlarm.run(...alarm);
        else this.sql.cancelAlarm.run(...alarm, message.ts);
        result.alarms.add(`${vehicle}/${b.alarmId}`);
        return;
      }
      case "message": {
        const { text, replyTo } = message.body;
        this.sql.insertMessage.run(message.id, vehicle, text, replyTo ?? null, message.ts);
        this.sql.bumpUnread.run(vehicle);
        result.messages.push(message.id);
        return;
      }
      default:
        // check, rejected, shift: kept in `received` for the timeline.
        return;
    }
  }

  private moveMission(
    missionId: string,
    vehicle: string,
    next: string,
    at: string,
    result: BatchResult,
  ): void {
    const row = this.sql.readMission.get(missionId) as Row | undefined;
    // A mission dispatch did not create (another instance's database, a test) is not tracked here.
    if (row === undefined || row.vehicle !== vehicle) return;
    const state = missionStateAfter(String(row.state), next);
    if (state === null) return;
    this.sql.writeMission.run(state, at, missionId);
    result.missions.add(missionId);
  }
}
