/**
 * The kiosk UI API (issue 6): the ONE schema of what the doctor's screen may ask the core to do, and
 * of the state the core pushes to it. The loopback server (src/server) parses every request with it,
 * the renderer (apps/kiosk/renderer) is typed from it, so the two cannot drift.
 *
 * Transport (src/server/kiosk-server.ts):
 * - WebSocket on `/api/ws`: the client offers the subprotocols `sosm.v1` and `sosm.<token>`, the
 *   server selects `sosm.v1`. The server sends `state` at once, then again on every change (at most
 *   10 per second); the client sends `UiRequest`s and gets one `result` per request id.
 * - HTTP, with `Authorization: Bearer <token>`: `GET /api/state` (the same state), `POST /api/command`
 *   (one `UiCommand` as JSON, answered with its `UiOutcome`).
 *
 * The schema is split along its seams: the commands and their outcome (ui-commands.ts), the mission
 * and shift parts of the state (ui-mission-shift-state.ts), the pieces both directions use
 * (ui-fields.ts); this file holds the rest of the state and re-exports them all, so that importers
 * name one module.
 */

import { z } from "zod";
import { statusKeys } from "../domain/radio-status.ts";
import { uiErrorSchema, uiOutcomeSchema } from "./ui-commands.ts";
import {
  epochMsSchema as epochMs,
  localizedTextSchema,
  uiDeliverySchema,
  uiLanguages,
  uiThemes,
} from "./ui-fields.ts";
import {
  uiChecklistSchema,
  uiMessageSchema,
  uiMissionSchema,
  uiShiftSchema,
} from "./ui-mission-shift-state.ts";

export {
  describeIssues,
  type UiCommand,
  type UiCommandType,
  type UiError,
  type UiOutcome,
  type UiRequest,
  uiCommandSchema,
  uiErrorSchema,
  uiOutcomeSchema,
  uiRequestSchema,
} from "./ui-commands.ts";
export {
  checkSchedules,
  type LocalizedUiText,
  localizedTextSchema,
  type UiDelivery,
  uiLanguages,
  uiThemes,
} from "./ui-fields.ts";
export {
  type UiMission,
  type UiShift,
  type UiShiftSummary,
  uiChecklistSchema,
  uiMessageSchema,
  uiMissionSchema,
  uiShiftSchema,
  uiShiftSummarySchema,
  uiTimelineEntrySchema,
} from "./ui-mission-shift-state.ts";

// ── Pushed state ────────────────────────────────────────────────────────────────────────────────

export const uiStatusSchema = z.object({
  key: z.enum(statusKeys),
  code: z.number().int(),
  since: epochMs,
  missionId: z.string().nullable(),
  messageId: z.string(),
  delivery: uiDeliverySchema,
});

export const uiStatusOptionSchema = z.object({
  key: z.enum(statusKeys),
  code: z.number().int(),
  label: localizedTextSchema,
  allowed: z.boolean(),
  /** Why it is refused now, when not allowed. */
  reason: localizedTextSchema.nullable(),
});

export const uiFixSchema = z.object({
  lat: z.number(),
  lon: z.number(),
  fixTime: z.string(),
  quality: z.string(),
  speed: z.number().nullable(),
  heading: z.number().nullable(),
  sats: z.number().nullable(),
});

export const uiGnssSchema = z.object({
  state: z.enum(["fix", "no_fix", "silent", "unplugged"]),
  summary: localizedTextSchema,
  /** Wall-clock ms of the last accepted fix (the UI counts "pas de position depuis N s" from it). */
  lastFixAt: epochMs.nullable(),
  fix: uiFixSchema.nullable(),
});

export const uiDispatchSchema = z.object({
  state: z.enum(["connecting", "connected", "offline", "stopped"]),
  since: epochMs,
  retryInMs: z.number().nullable(),
  /** Messages in the outbox, not yet taken by the broker. */
  pending: z.number().int(),
});

export const uiEquipmentItemSchema = z.object({
  id: z.string(),
  kind: z.string(),
  label: localizedTextSchema,
  state: z.enum(["ok", "warning", "fault", "unknown"]),
  reasons: z.array(localizedTextSchema),
  checkedAt: epochMs.nullable(),
});

export const uiEquipmentSchema = z.object({
  readiness: z.enum(["ready", "degraded", "not_ready"]),
  link: z.object({ state: z.string(), since: epochMs }),
  items: z.array(uiEquipmentItemSchema),
});

export const uiAlarmSchema = z.object({
  alarmId: z.string(),
  kind: z.string(),
  phase: z.string(),
  label: localizedTextSchema,
  raisedAt: epochMs,
  delivery: uiDeliverySchema,
});

export const uiLoneWorkerSchema = z.object({
  phase: z.enum(["off", "running", "pre_alarm", "alarmed"]),
  label: localizedTextSchema,
  dueAt: epochMs.nullable(),
  countdownEndsAt: epochMs.nullable(),
});

export const uiAlarmsSchema = z.object({
  /** Cancelling asks for the PIN (alarms.cancelPinHash is configured). */
  cancelNeedsPin: z.boolean(),
  alarms: z.array(uiAlarmSchema),
  loneWorker: uiLoneWorkerSchema,
});

export const uiSettingsSchema = z.object({
  lang: z.enum(uiLanguages),
  theme: z.enum(uiThemes),
  tiles: z.object({ url: z.string(), attribution: z.string() }).nullable(),
});

export const uiStateSchema = z.object({
  /** Core wall-clock ms when this state was built (the UI corrects its own clock's offset with it). */
  at: epochMs,
  fleet: z.string(),
  vehicle: z.string(),
  settings: uiSettingsSchema,
  status: uiStatusSchema.nullable(),
  /** The last status sent, which may be a `call_request` that left `status` unchanged. */
  lastSent: uiStatusSchema.nullable(),
  statusOptions: z.array(uiStatusOptionSchema),
  gnss: uiGnssSchema,
  dispatch: uiDispatchSchema,
  /** null when the profile lists no equipment (readiness off). */
  equipment: uiEquipmentSchema.nullable(),
  missions: z.object({
    active: uiMissionSchema.nullable(),
    /** Waiting for the doctor's answer, oldest first. */
    pending: z.array(uiMissionSchema),
    /** Waiting for the report (visit_done) or for dispatch's ack of it. */
    closing: z.array(uiMissionSchema),
    /** Ended in the last hours (cancelled, declined, closed), newest first: a cancellation must show. */
    ended: z.array(uiMissionSchema),
  }),
  messages: z.object({ unread: z.number().int(), items: z.array(uiMessageSchema) }),
  /** null until the alarms are wired into the core. */
  alarms: uiAlarmsSchema.nullable(),
  /** null when technician checks are not available on this core. */
  checks: z.object({ checklists: z.array(uiChecklistSchema) }).nullable(),
  /** null when shifts are not wired into this core. */
  shift: uiShiftSchema.nullable(),
});
export type UiState = z.infer<typeof uiStateSchema>;

/** Server → client over the WebSocket. */
export const uiServerMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("state"), state: uiStateSchema }),
  z.object({ kind: z.literal("result"), requestId: z.string(), outcome: uiOutcomeSchema }),
  /** A message that could not be read at all (not JSON, no request id). */
  z.object({ kind: z.literal("problem"), error: uiErrorSchema }),
]);
export type UiServerMessage = z.infer<typeof uiServerMessageSchema>;

/** Where the UI talks to the core, and the subprotocol it selects. */
export const uiApiPaths = { ws: "/api/ws", state: "/api/state", command: "/api/command", health: "/healthz" };
export const uiSubprotocol = "sosm.v1";
export const uiTokenProtocolPrefix = "sosm.";
