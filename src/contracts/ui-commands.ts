/**
 * What the doctor's screen may ask the core to do (ui-api.ts), and the core's answer. Objects are
 * strict: a command with a misspelt field is refused with the field's name, and nothing changes
 * (issue 6: "bad command → clear error").
 */
import { z } from "zod";
import { statusKeys } from "../domain/radio-status.ts";
import { reportOutcomes } from "./car-events.ts";
import { entityIdSchema, text, textLimits } from "./fields.ts";
import { messageIdSchema } from "./ids.ts";
import {
  checkResultInputSchema,
  checkSchedules,
  type LocalizedUiText,
  localizedTextSchema,
} from "./ui-fields.ts";

const missionRef = { missionId: entityIdSchema };
/** Technician and cancel PINs are digits only; the services check their exact lengths. */
const pinSchema = z.string().regex(/^\d{4,12}$/, { error: "expected 4 to 12 digits" });
const checkResults = z.array(checkResultInputSchema).max(200);

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
    results: checkResults,
  }),
  // Shifts (issue 10). The doctor's PIN is 4 to 8 digits (shift-doctors.ts checks the exact rule).
  z.strictObject({
    type: z.literal("shift.signIn"),
    rpps: z.string().regex(/^[\d ]{11,15}$/, { error: "expected an 11-digit RPPS number" }),
    pin: pinSchema,
    /** Only for a doctor outside the roster, when the association allows it. */
    name: z.string().min(1).max(textLimits.label).optional(),
  }),
  z.strictObject({ type: z.literal("shift.checklist"), results: checkResults }),
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
