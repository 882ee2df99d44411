/**
 * Dispatch's HTTP + WebSocket API (issue 7): the ONE schema between the dispatch service
 * (apps/dispatch) and its web UI (apps/dispatch/web). The server parses every request with it and
 * builds every response from these types, so the two cannot drift. Add to it; rename nothing.
 *
 * Transport (apps/dispatch/http-server.ts), default http://127.0.0.1:7390:
 * - `POST /api/login` `{ username, password }` → `{ operator }`, sets the HttpOnly SameSite=Strict
 *   session cookie `sosm_dispatch`. `POST /api/logout`. `GET /api/session` → `{ operator }` or 401.
 *   Every other `/api/*` route answers 401 `{ error }` without a session. Wrong passwords are
 *   throttled (5 per address and username, 30 per address, per 15 min): then 429 `rate_limited`
 *   with `Retry-After` in seconds.
 * - `GET /api/ws` upgrades to a WebSocket (cookie checked, Origin must be the server's own). The
 *   server sends `snapshot` at once, then `car`, `alarm`, `message` and `mission` updates as they
 *   happen (a car's row at most once per second). The client only listens: commands go over HTTP.
 * - Commands (JSON bodies, answered 200 with the result or 4xx `{ error }`):
 *   `POST /api/missions` (MissionCreate → MissionRow), `POST /api/missions/{missionId}/assign`
 *   (MissionAssign → CommandSent), `POST /api/cars/{vehicle}/messages` (MessageSend → CommandSent),
 *   `POST /api/cars/{vehicle}/status-request` (→ CommandSent),
 *   `POST /api/alarms/{alarmId}/ack` (→ AlarmRow; sends `ack {ref}` to the car for the alarm's events).
 * - Queries: `GET /api/fleet` (FleetSnapshot), `GET /api/missions` (MissionRow[]),
 *   `GET /api/alarms?open=1` (AlarmRow[]; open = raised or acknowledged, not cancelled),
 *   `GET /api/cars/{vehicle}/equipment` (EquipmentView),
 *   `GET /api/cars/{vehicle}/messages` (MessageRow[]; marks the car's messages read, and pushes its row),
 *   `GET /api/cars/{vehicle}/timeline?from=ts&to=ts` (TimelineEntry[], oldest first, at most 1,000;
 *   the range is on the envelope's `ts`, the car's clock when it sent),
 *   `GET /api/cars/{vehicle}/track?from=ts&to=ts` (TrackPoint[], oldest first, at most 20,000; the
 *   range is on `fixTime`, the GNSS time, which a car with a wrong clock does not shift).
 *
 * Times are ISO 8601 UTC strings. Ages are computed by the UI from `serverTime` and the `*At` fields,
 * so a snapshot stays right between updates.
 */
import { z } from "zod";
import { alarmKinds, missionAckStates } from "./car-events.ts";
import { addressSchema, missionPriorities, patientSchema } from "./dispatch-commands.ts";
import { entityIdSchema, latitudeSchema, longitudeSchema, phoneSchema, text, textLimits } from "./fields.ts";
import { isoTimestampSchema, messageIdSchema, vehicleIdSchema } from "./ids.ts";
import { equipmentItem, fixKinds, statusBody } from "./telemetry.ts";

// ── Operator session ────────────────────────────────────────────────────────────────────────────

export const loginRequestSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const operatorSchema = z.object({
  username: z.string(),
  displayName: z.string(),
});

export const sessionResponseSchema = z.object({ operator: operatorSchema });

/** Every 4xx/5xx answer. `code` is stable (for the UI's translations); `message` is English. */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.enum(["unauthorized", "bad_request", "not_found", "conflict", "rate_limited", "unavailable"]),
    message: z.string(),
  }),
});

// ── Fleet board ─────────────────────────────────────────────────────────────────────────────────

/** `unknown`: dispatch never heard the car's presence since its database was created. */
export const linkStates = ["online", "offline", "unknown"] as const;

export const carStatusSchema = z.object({
  code: z.number().int(),
  key: statusBody.shape.key,
  since: isoTimestampSchema,
  missionId: entityIdSchema.optional(),
  doctorName: z.string().optional(),
});

export const carPositionSchema = z.object({
  lat: latitudeSchema,
  lon: longitudeSchema,
  speed: z.number().optional().describe("m/s"),
  heading: z.number().optional().describe("degrees true"),
  fix: z.enum(fixKinds),
  fixTime: isoTimestampSchema.describe("GNSS time of the fix."),
  receivedAt: isoTimestampSchema.describe("When dispatch stored it: the age shown on the board."),
});

export const readinessSummarySchema = z.object({
  ready: z.boolean(),
  /** Items whose state is not ok, with their reasons: what the board shows in one line. */
  notOk: z.array(
    z.object({ id: z.string(), kind: z.string(), state: z.string(), reasons: z.array(z.string()) }),
  ),
  at: isoTimestampSchema.describe("When dispatch received this summary."),
});

export const missionStates = [
  "created",
  "assigned",
  ...missionAckStates,
  "en_route",
  "on_scene",
  "with_patient",
  "visit_done",
  "closed",
  "cancelled",
] as const;

export const missionRowSchema = z.object({
  missionId: entityIdSchema,
  priority: z.enum(missionPriorities),
  reason: z.string(),
  address: addressSchema,
  patient: patientSchema.optional(),
  callback: z.string().optional(),
  notes: z.string().optional(),
  vehicle: vehicleIdSchema.nullable(),
  state: z.enum(missionStates),
  createdAt: isoTimestampSchema,
  updatedAt: isoTimestampSchema,
  createdBy: z.string(),
});

export const carRowSchema = z.object({
  vehicle: vehicleIdSchema,
  link: z.object({
    state: z.enum(linkStates),
    since: isoTimestampSchema.nullable(),
    app: z.string().optional(),
  }),
  status: carStatusSchema.nullable(),
  mission: missionRowSchema.nullable().describe("The car's current mission, if any."),
  readiness: readinessSummarySchema.nullable(),
  position: carPositionSchema.nullable(),
  openAlarms: z.number().int().min(0),
  unreadMessages: z.number().int().min(0),
  /** Messages lost on the way, from `seq` gaps (PROTOCOL.md A: "gaps show loss"). */
  seqGaps: z.number().int().min(0),
  lastSeq: z.number().int().nullable(),
});

export const alarmStates = ["raised", "acknowledged", "cancelled"] as const;

export const alarmRowSchema = z.object({
  alarmId: entityIdSchema,
  vehicle: vehicleIdSchema,
  kind: z.enum(alarmKinds),
  state: z.enum(alarmStates),
  lat: latitudeSchema.optional(),
  lon: longitudeSchema.optional(),
  note: z.string().optional(),
  raisedAt: isoTimestampSchema,
  /** How many times the car sent it (the car repeats a raised alarm until it is acknowledged). */
  repeats: z.number().int().min(1),
  acknowledgedAt: isoTimestampSchema.nullable(),
  /** The operator's username. */
  acknowledgedBy: z.string().nullable(),
  /** The operator's display name, for the banner (absent when unknown). */
  acknowledgedByName: z.string().optional(),
  cancelledAt: isoTimestampSchema.nullable(),
});

export const messageRowSchema = z.object({
  id: messageIdSchema,
  vehicle: vehicleIdSchema,
  direction: z.enum(["in", "out"]),
  text: z.string(),
  replyTo: messageIdSchema.optional(),
  at: isoTimestampSchema,
  /** Outgoing only: `sent` once the broker has it; `received` when the car's state says so. */
  delivery: z.enum(["queued", "sent"]).optional(),
  operator: z.string().optional(),
});

export const fleetSnapshotSchema = z.object({
  serverTime: isoTimestampSchema,
  fleet: z.string(),
  cars: z.array(carRowSchema),
  openAlarms: z.array(alarmRowSchema).describe("Alarms raised or acknowledged, not cancelled."),
  missions: z.array(missionRowSchema).describe("Missions not closed or cancelled."),
});

/** What the server pushes on the WebSocket. */
export const dispatchPushSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("snapshot"), snapshot: fleetSnapshotSchema }),
  z.object({ type: z.literal("car"), serverTime: isoTimestampSchema, car: carRowSchema }),
  z.object({ type: z.literal("alarm"), serverTime: isoTimestampSchema, alarm: alarmRowSchema }),
  z.object({ type: z.literal("message"), serverTime: isoTimestampSchema, message: messageRowSchema }),
  z.object({ type: z.literal("mission"), serverTime: isoTimestampSchema, mission: missionRowSchema }),
]);

// ── Commands ────────────────────────────────────────────────────────────────────────────────────

/** A mission as the operator types it; dispatch mints the `missionId`. */
export const missionCreateSchema = z.strictObject({
  priority: z.enum(missionPriorities),
  reason: text(textLimits.note),
  address: addressSchema,
  patient: patientSchema.optional(),
  callback: phoneSchema.optional(),
  notes: text(textLimits.message).optional(),
  vehicle: vehicleIdSchema.optional().describe("Assign at once to this car."),
});

export const missionAssignSchema = z.strictObject({ vehicle: vehicleIdSchema });

export const messageSendSchema = z.strictObject({
  text: text(textLimits.message),
  replyTo: messageIdSchema.optional(),
});

/** The command went into dispatch's durable outbox with this envelope id. */
export const commandSentSchema = z.object({ commandId: messageIdSchema, vehicle: vehicleIdSchema });

// ── Queries ─────────────────────────────────────────────────────────────────────────────────────

export const timeRangeQuerySchema = z.object({ from: isoTimestampSchema, to: isoTimestampSchema });

export const timelineEntrySchema = z.object({
  id: messageIdSchema,
  vehicle: vehicleIdSchema,
  /** The envelope `type` (`status`, `mission.ack`, `alarm`, `message`, `presence`, ...). */
  type: z.string(),
  at: isoTimestampSchema.describe("The envelope `ts`: when the car created it."),
  receivedAt: isoTimestampSchema,
  seq: z.number().int().nullable(),
  /** One readable line, English; `body` has the details for a richer rendering. */
  summary: z.string(),
  body: z.record(z.string(), z.unknown()),
});

export const trackPointSchema = z.object({
  lat: latitudeSchema,
  lon: longitudeSchema,
  fixTime: isoTimestampSchema,
  speed: z.number().optional(),
  heading: z.number().optional(),
});

export const equipmentViewSchema = z.object({
  vehicle: vehicleIdSchema,
  ready: z.boolean().nullable(),
  at: isoTimestampSchema.nullable(),
  items: z.array(equipmentItem),
});

export type LoginRequest = z.infer<typeof loginRequestSchema>;
export type Operator = z.infer<typeof operatorSchema>;
export type ApiError = z.infer<typeof apiErrorSchema>;
export type ApiErrorCode = ApiError["error"]["code"];
export type LinkState = (typeof linkStates)[number];
export type CarStatus = z.infer<typeof carStatusSchema>;
export type CarPosition = z.infer<typeof carPositionSchema>;
export type ReadinessSummary = z.infer<typeof readinessSummarySchema>;
export type MissionState = (typeof missionStates)[number];
export type MissionRow = z.infer<typeof missionRowSchema>;
export type CarRow = z.infer<typeof carRowSchema>;
export type AlarmState = (typeof alarmStates)[number];
export type AlarmRow = z.infer<typeof alarmRowSchema>;
export type MessageRow = z.infer<typeof messageRowSchema>;
export type FleetSnapshot = z.infer<typeof fleetSnapshotSchema>;
export type DispatchPush = z.infer<typeof dispatchPushSchema>;
export type MissionCreate = z.infer<typeof missionCreateSchema>;
export type MissionAssign = z.infer<typeof missionAssignSchema>;
export type MessageSend = z.infer<typeof messageSendSchema>;
export type CommandSent = z.infer<typeof commandSentSchema>;
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type TrackPoint = z.infer<typeof trackPointSchema>;
export type EquipmentView = z.infer<typeof equipmentViewSchema>;
