/**
 * The console's link to the dispatch service (src/contracts/dispatch-api.ts): HTTP for logins,
 * commands and queries, one WebSocket for the live board. The session is the service's HttpOnly
 * cookie, so no secret is ever readable by this page's scripts.
 *
 * Every answer is parsed with the contract's zod schema: a server of another version shows a clear
 * error instead of a board that silently misses fields.
 */
import type { z } from "zod";
import {
  type AlarmRow,
  alarmRowSchema,
  apiErrorSchema,
  type CommandSent,
  commandSentSchema,
  type EquipmentView,
  equipmentViewSchema,
  type MessageRow,
  type MissionCreate,
  type MissionRow,
  messageRowSchema,
  missionRowSchema,
  sessionResponseSchema,
  type TimelineEntry,
  type TrackPoint,
  timelineEntrySchema,
  trackPointSchema,
} from "../../../../src/contracts/dispatch-api.ts";

export type {
  AlarmRow,
  CarRow,
  DispatchPush,
  EquipmentView,
  FleetSnapshot,
  MessageRow,
  MissionCreate,
  MissionRow,
  Operator,
  TimelineEntry,
  TrackPoint,
} from "../../../../src/contracts/dispatch-api.ts";

/** A refusal or a failure, with the contract's stable code (translated by the UI) and the server's words. */
export interface Failure {
  ok: false;
  status: number;
  code: string;
  message: string;
}
export type Result<T> = { ok: true; value: T } | Failure;

async function call<S extends z.ZodType>(
  schema: S,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<Result<z.infer<S>>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      credentials: "same-origin",
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch (error) {
    return {
      ok: false,
      status: 0,
      code: "network",
      message: error instanceof Error ? error.message : String(error),
    };
  }
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    // An empty or non-JSON answer: the status says enough.
  }
  if (!response.ok) {
    const parsed = apiErrorSchema.safeParse(json);
    return parsed.success
      ? { ok: false, status: response.status, ...parsed.data.error }
      : { ok: false, status: response.status, code: "http", message: `HTTP ${response.status}` };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, status: response.status, code: "bad_response", message: parsed.error.message };
}

const enc = encodeURIComponent;
const range = (fromMs: number, toMs: number) =>
  `from=${enc(new Date(fromMs).toISOString())}&to=${enc(new Date(toMs).toISOString())}`;

export const api = {
  session: () => call(sessionResponseSchema, "/api/session"),
  login: (username: string, password: string) =>
    call(sessionResponseSchema, "/api/login", { body: { username, password } }),
  logout: () => fetch("/api/logout", { method: "POST", credentials: "same-origin" }).catch(() => undefined),
  createMission: (mission: MissionCreate): Promise<Result<MissionRow>> =>
    call(missionRowSchema, "/api/missions", { body: mission }),
  assignMission: (missionId: string, vehicle: string): Promise<Result<CommandSent>> =>
    call(commandSentSchema, `/api/missions/${enc(missionId)}/assign`, { body: { vehicle } }),
  sendMessage: (vehicle: string, text: string): Promise<Result<CommandSent>> =>
    call(commandSentSchema, `/api/cars/${enc(vehicle)}/messages`, { body: { text } }),
  requestStatus: (vehicle: string): Promise<Result<CommandSent>> =>
    call(commandSentSchema, `/api/cars/${enc(vehicle)}/status-request`, { method: "POST" }),
  acknowledgeAlarm: (alarmId: string): Promise<Result<AlarmRow>> =>
    call(alarmRowSchema, `/api/alarms/${enc(alarmId)}/ack`, { method: "POST" }),
  messages: (vehicle: string): Promise<Result<MessageRow[]>> =>
    call(messageRowSchema.array(), `/api/cars/${enc(vehicle)}/messages`),
  equipment: (vehicle: string): Promise<Result<EquipmentView>> =>
    call(equipmentViewSchema, `/api/cars/${enc(vehicle)}/equipment`),
  timeline: (vehicle: string, fromMs: number, toMs: number): Promise<Result<TimelineEntry[]>> =>
    call(timelineEntrySchema.array(), `/api/cars/${enc(vehicle)}/timeline?${range(fromMs, toMs)}`),
  track: (vehicle: string, fromMs: number, toMs: number): Promise<Result<TrackPoint[]>> =>
    call(trackPointSchema.array(), `/api/cars/${enc(vehicle)}/track?${range(fromMs, toMs)}`),
};
