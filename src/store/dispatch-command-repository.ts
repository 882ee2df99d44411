/**
 * What operators change: missions, outgoing messages, alarm acknowledgements, and dispatch's durable
 * outbox of commands (DESIGN.md §3): a command is committed with the state change that causes it,
 * and a separate publisher deletes it on PUBACK, so a crash or a broker outage loses nothing.
 */
import type { Database, Statement } from "better-sqlite3";
import type { MissionCreate } from "../contracts/dispatch-api.ts";
import { cmdTopic } from "../contracts/ids.ts";
import type { CommandType } from "../contracts/messages.ts";
import { commandEnvelope } from "../services/dispatch-command-envelope.ts";

export interface OutboxRow {
  seq: number;
  id: string;
  vehicle: string;
  type: string;
  topic: string;
  payload: string;
}

export type AssignOutcome = { ok: true; commandId: string } | { ok: false; reason: "not_found" | "conflict" };

type Row = Record<string, unknown>;

export class DispatchCommandRepository {
  private readonly insertMission: Statement;
  private readonly missionState: Statement;
  private readonly assign: Statement;
  private readonly insertOutbox: Statement;
  private readonly setPayload: Statement;
  private readonly insertMessage: Statement;
  private readonly clearUnread: Statement;
  private readonly ackAlarm: Statement;
  private readonly alarmEvents: Statement;
  private readonly pendingRows: Statement;
  private readonly deleteRow: Statement;

  constructor(
    private readonly db: Database,
    private readonly fleet: string,
  ) {
    this.insertMission = db.prepare(
      "INSERT INTO missions (mission_id, vehicle, state, body, created_at, updated_at, created_by) VALUES (?, NULL, 'created', ?, ?, ?, ?)",
    );
    this.missionState = db.prepare("SELECT state, body FROM missions WHERE mission_id = ?");
    this.assign = db.prepare(
      "UPDATE missions SET vehicle = ?, state = 'assigned', updated_at = ? WHERE mission_id = ?",
    );
    this.insertOutbox = db.prepare(
      "INSERT INTO outbox (id, vehicle, type, topic, payload, created_at) VALUES (?, ?, ?, ?, '', ?)",
    );
    this.setPayload = db.prepare("UPDATE outbox SET payload = ? WHERE seq = ?");
    this.insertMessage = db.prepare(
      "INSERT INTO messages (id, vehicle, direction, text, reply_to, at, operator) VALUES (?, ?, 'out', ?, ?, ?, ?)",
    );
    this.clearUnread = db.prepare("UPDATE cars SET unread = 0 WHERE vehicle = ?");
    this.ackAlarm = db.prepare(
      `UPDATE alarms SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?
       WHERE vehicle = ? AND alarm_id = ? AND state = 'raised'`,
    );
    this.alarmEvents = db.prepare("SELECT id FROM alarm_events WHERE vehicle = ? AND alarm_id = ?");
    this.pendingRows = db.prepare("SELECT * FROM outbox ORDER BY seq LIMIT ?");
    this.deleteRow = db.prepare("DELETE FROM outbox WHERE seq = ?");
  }

  createMission(
    missionId: string,
    input: Omit<MissionCreate, "vehicle">,
    operator: string,
    now: number,
  ): void {
    const at = new Date(now).toISOString();
    this.insertMission.run(missionId, JSON.stringify(input), at, at, operator);
  }

  /** Assigns (or re-assigns before the car accepted) and queues `mission.assign`, in one transaction. */
  assignMission(missionId: string, vehicle: string, now: number): AssignOutcome {
    return this.db
      .transaction((): AssignOutcome => {
        const row = this.missionState.get(missionId) as Row | undefined;
        if (row === undefined) return { ok: false, reason: "not_found" };
        if (!["created", "assigned", "declined"].includes(String(row.state)))
          return { ok: false, reason: "conflict" };
        this.assign.run(vehicle, new Date(now).toISOString(), missionId);
        const body = { missionId, ...(JSON.parse(String(row.body)) as object) };
        return { ok: true, commandId: this.enqueue(vehicle, "mission.assign", body, now) };
      })
      .immediate();
  }

  sendMessage(
    vehicle: string,
    text: string,
    replyTo: string | undefined,
    operator: string,
    now: number,
  ): string {
    return this.db
      .transaction(() => {
        const id = this.enqueue(vehicle, "message", { text, ...(replyTo ? { replyTo } : {}) }, now);
        this.insertMessage.run(id, vehicle, text, replyTo ?? null, new Date(now).toISOString(), operator);
        this.clearUnread.run(vehicle);
        return id;
      })
      .immediate();
  }

  markRead(vehicle: string): void {
    this.clearUnread.run(vehicle);
  }

  requestStatus(vehicle: string, now: number): string {
    return this.db.transaction(() => this.enqueue(vehicle, "status.request", {}, now)).immediate();
  }

  /**
   * Marks a raised alarm acknowledged and returns the envelope ids of its events, which the caller
   * acks to the car after this commit. Null when there is no such raised alarm.
   */
  acknowledgeAlarm(vehicle: string, alarmId: string, operator: string, now: number): string[] | null {
    return this.db
      .transaction(() => {
        const changed = this.ackAlarm.run(new Date(now).toISOString(), operator, vehicle, alarmId).changes;
        if (changed === 0) return null;
        return (this.alarmEvents.all(vehicle, alarmId) as Row[]).map((row) => String(row.id));
      })
      .immediate();
  }

  pending(limit: number): OutboxRow[] {
    return this.pendingRows.all(limit) as OutboxRow[];
  }

  remove(seq: number): void {
    this.deleteRow.run(seq);
  }

  /** Must run inside a transaction: the seq is the outbox row's, known only after the insert. */
  private enqueue(vehicle: string, type: CommandType, body: unknown, now: number): string {
    const draft = commandEnvelope({ type, body, now });
    const seq = Number(
      this.insertOutbox.run(draft.id, vehicle, type, cmdTopic(this.fleet, vehicle), now).lastInsertRowid,
    );
    const envelope = commandEnvelope({ type, body, now, seq, id: draft.id });
    this.setPayload.run(JSON.stringify(envelope), seq);
    return envelope.id;
  }
}
