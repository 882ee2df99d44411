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
 * Objects are strict: a command with a misspelt field is refused with the field's name, and nothing
 * changes (issue 6: "bad command → clear error").
 */
import { z } from "zod";
import { statusKeys } from "../domain/radio-status.ts";
import { reportOutcomes } from "./car-events.ts";
import { entityIdSchema, text, textLimits } from "./fields.ts";
import { messageIdSchema } from "./ids.ts";

export const uiLanguages = ["fr", "en"] as const;
export const uiThemes = ["auto", "day", "night"] as const;
export const checkSchedules = ["shiftStart", "weekly", "monthly"] as const;

/** French first, English beside it: every sentence the core shows the doctor. */
export const localizedTextSchema = z.object({ fr: z.string(), en: z.string() });
export type LocalizedUiText = z.infer<typeof localizedTextSchema>;

// ── Commands ────────────────────────────────────────────────────────────────────────────────────

const missionRef = { missionId: entityIdSchema };
/** Technician and cancel PINs are digits only; the services check their exact lengths. */
const pinSchema = z.string().regex(/^\d{4,12}$/, { error: "expected 4 to 12 digits" });

export const uiCommandSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("status.set"),
    key: z.enum(statusKeys),
    note: text(textLimits.note).optional(),
  }),
  z.strictObject({ type: z.literal("mission.displayed"), ...missionRef }),
  z.strictObject({ type: z.literal("mission.accept"), ...missionRef }),
  z.strictObject({
    type: z.literal("mission.decline"),
    ...missionRef,
    reason: z.string().max(textLimits.note).optional(),
  }),
  z.strictObject({
    type: z.literal("message.send"),
    text: text(textLimits.message),
    replyTo: messageIdSchema.optional(),
  }),
  z.strictObject({ type: z.literal("messages.read") }),
  z.strictObject({
    type: z.literal("report.submit"),
    ...missionRef,
    outcome: z.enum(reportOutcomes),
    summary: text(textLimits.summary),
    acts: z.array(text(textLimits.label)).max(50).optional(),
    consumables: z
      .array(z.strictObject({ item: text(textLimits.label), qty: z.number().int().min(1).max(1000) }))
      .max(50)
      .optional(),
  }),
  z.strictObject({ type: z.literal("alarm.panic") }),
  z.strictObject({ type: z.literal("alarm.cancel"), alarmId: entityIdSchema, pin: pinSchema.optional() }),
  z.strictObject({ type: z.literal("loneWorker.extend") }),
  z.strictObject({ type: z.literal("loneWorker.answer") }),
  z.strictObject({
    type: z.literal("checks.sign"),
    technicianId: z.string().min(1).max(64),
    pin: pinSchema,
    schedule: z.enum(checkSchedules),
    results: z
      .array(
        z.strictObject({
          checkId: z.string().min(1).max(128),
          result: z.enum(["pass", "fail"]),
          notes: z.string().max(textLimits.note).optional(),
        }),
      )
      .max(200),
  }),
  // Shifts (issue 10). The doctor's PIN is 4 to 8 digits (shift-doctors.ts checks the exact rule).
  z.strictObject({
    type: z.literal("shift.signIn"),
    rpps: z.string().regex(/^[\d ]{11,15}$/, { error: "expected an 11-digit RPPS number" }),
    pin: pinSchema,
    /** Only for a doctor outside the roster, when the association allows it. */
    name: z.string().min(1).max(textLimits.label).optional(),
  }),
  z.strictObject({
    type: z.literal("shift.checklist"),
    results: z
      .array(
        z.strictObject({
          checkId: z.string().min(1).max(128),
          result: z.enum(["pass", "fail"]),
          notes: z.string().max(textLimits.note).optional(),
        }),
      )
      .max(200),
  }),
  z.strictObject({ type: z.literal("shift.unlock"), pin: pinSchema }),
  z.strictObject({ type: z.literal("shift.lock") }),
  z.strictObject({ type: z.literal("shift.signOut") }),
  /** A touch on the screen: restarts the inactivity count before the lock. */
  z.strictObject({ type: z.literal("ui.activity") }),
]);
export type UiCommand = z.infer<typeof uiCommandSchema>;
export type UiCommandType = UiCommand["type"];

/** What the client sends over the WebSocket: a command and the id its `result` will carry. */
export const uiRequestSchema = z.strictObject({
  requestId: z.string().min(1).max(64),
  command: uiCommandSchema,
});
export type UiRequest = z.infer<typeof uiRequestSchema>;

export const uiErrorSchema = z.object({
  /** For programs: "invalid_command", "same_status", "wrong_pin", "locked"... */
  code: z.string(),
  text: localizedTextSchema,
  /** The fields a refused request got wrong, when the schema refused it. */
  fields: z.array(z.string()).optional(),
  /** A wrong PIN: the tries left before the lockout. */
  attemptsLeft: z.number().int().optional(),
  /** A PIN locked out: until when (epoch ms). */
  lockedUntil: z.number().optional(),
});
export type UiError = z.infer<typeof uiErrorSchema>;

export const uiOutcomeSchema = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    /** Shown without stopping the doctor (equipment warnings before "available"). */
    warnings: z.array(localizedTextSchema).optional(),
  }),
  z.object({ ok: z.literal(false), error: uiErrorSchema }),
]);
export type UiOutcome = z.infer<typeof uiOutcomeSchema>;

// ── Pushed state ────────────────────────────────────────────────────────────────────────────────

const deliverySchema = z.enum(["queued", "sent", "received"]).nullable();
export type UiDelivery = z.infer<typeof deliverySchema>;
const epochMs = z.number();

export const uiStatusSchema = z.object({
  key: z.enum(statusKeys),
  code: z.number().int(),
  since: epochMs,
  missionId: z.string().nullable(),
  messageId: z.string(),
  delivery: deliverySchema,
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

export const uiTimelineEntrySchema = z.object({
  kind: z.string(),
  state: z.string(),
  at: epochMs,
  note: z.string().nullable(),
  delivery: deliverySchema,
});

export const uiMissionSchema = z.object({
  id: z.string(),
  state: z.string(),
  priority: z.enum(["P0", "P1", "P2", "P3"]),
  reason: z.string(),
  address: z.object({
    text: z.string(),
    lat: z.number().optional(),
    lon: z.number().optional(),
    access: z.string().optional(),
  }),
  patient: z
    .object({ name: z.string().optional(), age: z.number().optional(), sex: z.string().optional() })
    .optional(),
  callback: z.string().optional(),
  notes: z.string().optional(),
  caseId: z.string().optional(),
  assignedAt: epochMs,
  updatedAt: epochMs,
  endedAt: epochMs.nullable(),
  cancelReason: z.string().nullable(),
  declineReason: z.string().nullable(),
  /** Each `mission.update` received: when, and which fields it changed. */
  updates: z.array(z.object({ at: epochMs, fields: z.string().nullable() })),
  timeline: z.array(uiTimelineEntrySchema),
  /** The end-of-visit report, once sent. */
  report: z.object({ outcome: z.string(), delivery: deliverySchema }).nullable(),
});
export type UiMission = z.infer<typeof uiMissionSchema>;

export const uiMessageSchema = z.object({
  id: z.string(),
  direction: z.enum(["in", "out"]),
  text: z.string(),
  at: epochMs,
  read: z.boolean(),
  delivery: deliverySchema,
});

export const uiAlarmSchema = z.object({
  alarmId: z.string(),
  kind: z.string(),
  phase: z.string(),
  label: localizedTextSchema,
  raisedAt: epochMs,
  delivery: deliverySchema,
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

export const uiChecklistSchema = z.object({
  schedule: z.enum(checkSchedules),
  label: localizedTextSchema,
  items: z.array(
    z.object({ id: z.string(), label: localizedTextSchema, equipmentId: z.string().optional() }),
  ),
});

export const uiShiftSummarySchema = z.object({
  shiftId: z.string(),
  doctor: z.object({ rpps: z.string(), name: z.string() }),
  startedAt: epochMs,
  endedAt: epochMs,
  distanceM: z.number(),
  statusTimes: z.array(z.object({ key: z.enum(statusKeys), ms: z.number() })),
  /** No patient data: ids, priorities and times only (shift-summary.ts). */
  missions: z.array(
    z.object({
      missionId: z.string(),
      priority: z.string(),
      state: z.string(),
      outcome: z.string().nullable(),
      times: z.record(z.string(), z.number()),
    }),
  ),
  alarms: z.array(z.object({ alarmId: z.string(), kind: z.string(), raisedAt: epochMs })),
  restock: z.array(z.object({ item: z.string(), qty: z.number() })),
});
export type UiShiftSummary = z.infer<typeof uiShiftSummarySchema>;

export const uiShiftSchema = z.object({
  /**
   * The server owns the lock (a reload cannot open it). While locked, and while nobody is signed in,
   * the state carries nothing patient-related (issue 10): no mission, message text, report or position.
   */
  locked: z.boolean(),
  lockAfterSeconds: z.number(),
  doctor: z.object({ rpps: z.string(), name: z.string() }).nullable(),
  startedAt: epochMs.nullable(),
  /** The shift-start checklist: to answer now (pending), or how it was covered. */
  checklist: z
    .object({
      state: z.enum(["not_required", "covered", "done", "pending"]),
      by: z.string().nullable(),
      at: epochMs.nullable(),
      failed: z.array(z.string()),
      items: z.array(z.object({ id: z.string(), label: localizedTextSchema })),
    })
    .nullable(),
  /** May the doctor be available now, and why (not): equipment and shift start together. */
  gate: z
    .object({
      allowed: z.boolean(),
      readiness: z.string(),
      warnings: z.array(localizedTextSchema),
      blockingReasons: z.array(localizedTextSchema),
    })
    .nullable(),
  /** The association's doctors, for the sign-in screen (empty while signed in). */
  roster: z.array(z.object({ rpps: z.string(), name: z.string(), hasPin: z.boolean() })),
  allowUnknown: z.boolean(),
  /** A mission waits while the screen hides missions: its priority only ("Nouvelle mission P1"). */
  missionAlert: z.object({ priority: z.enum(["P0", "P1", "P2", "P3"]) }).nullable(),
  /** The newest ended shift of the last hours, for the summary screen. */
  lastSummary: uiShiftSummarySchema.nullable(),
});
export type UiShift = z.infer<typeof uiShiftSchema>;

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

/** Readable reasons for a refused request: each issue's field path and message. */
export function describeIssues(error: z.ZodError): { fields: string[]; text: LocalizedUiText } {
  const where = (path: readonly PropertyKey[]) => path.map(String).join(".");
  // An unknown field is reported by its own name, not by the object that holds it.
  const fields = error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => where([...issue.path, key]))
      : [where(issue.path) || "(message)"],
  );
  const details = error.issues.map((issue) => `${where(issue.path) || "message"}: ${issue.message}`);
  return {
    fields,
    text: {
      fr: `Commande refusée, rien n'a changé (${details.join("; ")})`,
      en: `Command refused, nothing changed (${details.join("; ")})`,
    },
  };
}
