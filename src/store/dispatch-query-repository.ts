/**
 * Reads for dispatch's API (src/contracts/dispatch-api.ts): the board, alarms, missions, messages,
 * a car's timeline, track and equipment. Rows are turned into the contract's shapes here, so that
 * the HTTP layer only serialises.
 */
import type { Database, Statement } from "better-sqlite3";
import type {
  AlarmRow,
  CarRow,
  EquipmentView,
  MessageRow,
  MissionRow,
  TimelineEntry,
  TrackPoint,
} from "../contracts/dispatch-api.ts";
import type { CarBody } from "../contracts/messages.ts";

type Row = Record<string, unknown>;

const closedStates = "('closed', 'cancelled', 'declined')";
const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
const opt = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

export const maxTimelineEntries = 1000;
export const maxTrackPoints = 20_000;

export class DispatchQueryRepository {
  private readonly carRows: Statement;
  private readonly carRow: Statement;
  private readonly missionById: Statement;
  private readonly openMissions: Statement;
  private readonly allMissions: Statement;
  private readonly alarmByKey: Statement;
  private readonly openAlarmRows: Statement;
  private readonly recentAlarmRows: Statement;
  private readonly messageById: Statement;
  private readonly messagesOfCar: Statement;
  private readonly timelineRows: Statement;
  private readonly trackRows: Statement;
  private readonly equipmentRow: Statement;
  private readonly counterRows: Statement;

  constructor(db: Database) {
    const carSelect = `SELECT c.*,
        (SELECT count(*) FROM alarms a WHERE a.vehicle = c.vehicle AND a.state = 'raised') AS open_alarms,
        (SELECT m.mission_id FROM missions m WHERE m.vehicle = c.vehicle AND m.state NOT IN ${closedStates}
           ORDER BY m.created_at DESC LIMIT 1) AS current_mission
      FROM cars c`;
    this.carRows = db.prepare(`${carSelect} ORDER BY c.vehicle`);
    this.carRow = db.prepare(`${carSelect} WHERE c.vehicle = ?`);
    this.missionById = db.prepare("SELECT * FROM missions WHERE mission_id = ?");
    this.openMissions = db.prepare(
      `SELECT * FROM missions WHERE state NOT IN ${closedStates} ORDER BY created_at`,
    );
    this.allMissions = db.prepare("SELECT * FROM missions ORDER BY created_at DESC LIMIT 500");
    // The operator's display name for the banner ("acquittée par Claire Dubois"), the username kept.
    const alarmSelect = `SELECT a.*, o.display_name AS acknowledged_by_name
      FROM alarms a LEFT JOIN operators o ON o.username = a.acknowledged_by`;
    this.alarmByKey = db.prepare(`${alarmSelect} WHERE a.vehicle = ? AND a.alarm_id = ?`);
    // Open = not cancelled: an acknowledged alarm stays on the banner, quiet, because the doctor may
    // still be in danger until she cancels it; a console reloaded in between must show it too.
    this.openAlarmRows = db.prepare(
      `${alarmSelect} WHERE a.state IN ('raised', 'acknowledged') ORDER BY a.raised_at`,
    );
    this.recentAlarmRows = db.prepare(`${alarmSelect} ORDER BY a.raised_at DESC LIMIT 500`);
    this.messageById = db.prepare("SELECT * FROM messages WHERE id = ?");
    this.messagesOfCar = db.prepare("SELECT * FROM messages WHERE vehicle = ? ORDER BY at DESC LIMIT 200");
    this.timelineRows = db.prepare(
      `SELECT * FROM received WHERE vehicle = ? AND ts >= ? AND ts <= ? ORDER BY ts LIMIT ${maxTimelineEntries}`,
    );
    this.trackRows = db.prepare(
      `SELECT * FROM positions WHERE vehicle = ? AND fix_time >= ? AND fix_time <= ? ORDER BY fix_time LIMIT ${maxTrackPoints}`,
    );
    this.equipmentRow = db.prepare("SELECT equipment_json, equipment_at FROM cars WHERE vehicle = ?");
    this.counterRows = db.prepare("SELECT name, value FROM counters");
  }

  cars(): CarRow[] {
    return (this.carRows.all() as Row[]).map((row) => this.toCar(row));
  }

  car(vehicle: string): CarRow | null {
    const row = this.carRow.get(vehicle) as Row | undefined;
    return row === undefined ? null : this.toCar(row);
  }

  mission(missionId: string): MissionRow | null {
    const row = this.missionById.get(missionId) as Row | undefined;
    return row === undefined ? null : toMission(row);
  }

  missions(open: boolean): MissionRow[] {
    return ((open ? this.openMissions : this.allMissions).all() as Row[]).map(toMission);
  }

  alarm(vehicle: string, alarmId: string): AlarmRow | null {
    const row = this.alarmByKey.get(vehicle, alarmId) as Row | undefined;
    return row === undefined ? null : toAlarm(row);
  }

  alarms(open: boolean): AlarmRow[] {
    return ((open ? this.openAlarmRows : this.recentAlarmRows).all() as Row[]).map(toAlarm);
  }

  message(id: string): MessageRow | null {
    const row = this.messageById.get(id) as Row | undefined;
    return row === undefined ? null : toMessage(row);
  }

  messages(vehicle: string): MessageRow[] {
    return (this.messagesOfCar.all(vehicle) as Row[]).map(toMessage).reverse();
  }

  timeline(vehicle: string, from: string, to: string): TimelineEntry[] {
    return (this.timelineRows.all(vehicle, from, to) as Row[]).map((row) => {
      const body = JSON.parse(String(row.body)) as Record<string, unknown>;
      return {
        id: String(row.id),
        vehicle,
        type: String(row.type),
        at: String(row.ts),
        receivedAt: iso(row.received_at),
        seq: (row.seq as number | null) ?? null,
        summary: summarize(String(row.type), body),
        body,
      };
    });
  }

  track(vehicle: string, from: string, to: string): TrackPoint[] {
    return (this.trackRows.all(vehicle, from, to) as Row[]).map((row) => ({
      lat: row.lat as number,
      lon: row.lon as number,
      fixTime: String(row.fix_time),
      ...opt("speed", row.speed as number | null),
      ...opt("heading", row.heading as number | null),
    }));
  }

  equipment(vehicle: string): EquipmentView | null {
    const row = this.equipmentRow.get(vehicle) as Row | undefined;
    if (row === undefined) return null;
    if (row.equipment_json === null) return { vehicle, ready: null, at: null, items: [] };
    const body = JSON.parse(String(row.equipment_json)) as CarBody<"equipment">;
    return { vehicle, ready: body.ready, at: iso(row.equipment_at), items: body.items };
  }

  counters(): Record<string, number> {
    return Object.fromEntries(
      (this.counterRows.all() as Row[]).map((r) => [String(r.name), Number(r.value)]),
    );
  }

  private toCar(row: Row): CarRow {
    const status =
      row.status_json === null ? null : (JSON.parse(String(row.status_json)) as CarBody<"status">);
    const equipment =
      row.equipment_json === null ? null : (JSON.parse(String(row.equipment_json)) as CarBody<"equipment">);
    const position =
      row.position_json === null ? null : (JSON.parse(String(row.position_json)) as CarBody<"position">);
    const missionId = row.current_mission as string | null;
    return {
      vehicle: String(row.vehicle),
      link: {
        state:
          row.presence_state === "online" || row.presence_state === "offline"
            ? row.presence_state
            : "unknown",
        since: (row.presence_since as string | null) ?? null,
        ...opt("app", row.app as string | null),
      },
      status:
        status === null
          ? null
          : {
              code: status.code,
              key: status.key,
              since: status.since,
              ...opt("missionId", status.missionId),
              ...opt("doctorName", status.doctor?.name),
            },
      mission: missionId === null ? null : this.mission(missionId),
      readiness:
        equipment === null
          ? null
          : {
              ready: equipment.ready,
              notOk: equipment.items
                .filter((item) => item.state !== "ok")
                .map(({ id, kind, state, reasons }) => ({ id, kind, state, reasons })),
              at: iso(row.equipment_at),
            },
      position:
        position === null
          ? null
          : {
              lat: position.lat,
              lon: position.lon,
              ...opt("speed", position.speed),
              ...opt("heading", position.heading),
              fix: position.fix,
              fixTime: position.fixTime,
              receivedAt: iso(row.position_received_at),
            },
      openAlarms: Number(row.open_alarms),
      unreadMessages: Number(row.unread),
      seqGaps: Number(row.missing),
      lastSeq: (row.last_seq as number | null) ?? null,
    };
  }
}

function toMission(row: Row): MissionRow {
  const body = JSON.parse(String(row.body)) as Omit<
    MissionRow,
    "missionId" | "vehicle" | "state" | "createdAt" | "updatedAt" | "createdBy"
  >;
  return {
    ...body,
    missionId: String(row.mission_id),
    vehicle: (row.vehicle as string | null) ?? null,
    state: row.state as MissionRow["state"],
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    createdBy: String(row.created_by),
  };
}

function toAlarm(row: Row): AlarmRow {
  return {
    alarmId: String(row.alarm_id),
    vehicle: String(row.vehicle),
    kind: row.kind as AlarmRow["kind"],
    state: row.state as AlarmRow["state"],
    ...opt("lat", row.lat as number | null),
    ...opt("lon", row.lon as number | null),
    ...opt("note", row.note as string | null),
    raisedAt: String(row.raised_at),
    repeats: Number(row.repeats),
    acknowledgedAt: (row.acknowledged_at as string | null) ?? null,
    acknowledgedBy: (row.acknowledged_by as string | null) ?? null,
    ...opt("acknowledgedByName", row.acknowledged_by_name as string | null),
    cancelledAt: (row.cancelled_at as string | null) ?? null,
  };
}

function toMessage(row: Row): MessageRow {
  return {
    id: String(row.id),
    vehicle: String(row.vehicle),
    direction: row.direction as MessageRow["direction"],
    text: String(row.text),
    ...opt("replyTo", row.reply_to as string | null),
    at: String(row.at),
    ...(row.direction === "out" ? { delivery: "queued" as const } : {}),
    ...opt("operator", row.operator as string | null),
  };
}

/** One English line per timeline entry; the UI translates from `type` and `body` when it can. */
export function summarize(type: string, body: Record<string, unknown>): string {
  const s = (key: string) => String(body[key] ?? "");
  switch (type) {
    case "status":
      return `status ${s("key")} (${s("code")})${body.missionId ? ` mission ${s("missionId")}` : ""}`;
    case "presence":
      return `link ${s("state")}`;
    case "equipment":
      return body.ready ? "equipment ready" : "equipment NOT ready";
    case "mission.ack":
      return `mission ${s("missionId")} ${s("state")}`;
    case "alarm":
      return `alarm ${s("kind")} ${s("state")}`;
    case "message":
      return `message: ${s("text").slice(0, 80)}`;
    case "report":
      return `report ${s("missionId")}: ${s("outcome")}`;
    case "track":
      return `track backfill, ${s("points")} points`;
    case "check":
      return `check ${s("itemId")}: ${s("result")}`;
    case "rejected":
      return `command rejected: ${s("reason").slice(0, 80)}`;
    case "shift":
      return `shift ${s("state")}`;
    default:
      return type;
  }
}
