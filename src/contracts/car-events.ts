/**
 * Bodies of the events the car publishes on `events` (PROTOCOL.md A, "Bodies"): `mission.ack`,
 * `alarm`, `message` (shared with dispatch), `report`, `check`, `rejected` and `shift` (issue 10,
 * an addition to PROTOCOL.md). Objects accept
 * unknown fields; see envelope.ts.
 */
import { z } from "zod";
import { statusKeys } from "../domain/radio-status.ts";
import { missionPriorities } from "./dispatch-commands.ts";
import {
  entityIdSchema,
  latitudeSchema,
  latLonTogether,
  latLonTogetherError,
  longitudeSchema,
  text,
  textLimits,
} from "./fields.ts";
import { isoTimestampSchema, messageIdSchema } from "./ids.ts";
import { doctorSchema } from "./telemetry.ts";

/**
 * The car sends `received` automatically, `displayed` when the doctor has seen the mission, then
 * `accepted` or `declined`.
 */
export const missionAckStates = ["received", "displayed", "accepted", "declined"] as const;

export const missionAckBody = z
  .object({
    missionId: entityIdSchema,
    state: z.enum(missionAckStates),
    reason: text(textLimits.note).optional().describe("Why the doctor declined, typically."),
  })
  .meta({ title: "mission.ack body" });

export const alarmKinds = ["panic", "lone_worker", "equipment"] as const;

export const alarmBody = z
  .object({
    alarmId: entityIdSchema.describe("Same id on `raised` and on its `cancelled`."),
    kind: z.enum(alarmKinds),
    state: z.enum(["raised", "cancelled"]),
    lat: latitudeSchema.optional(),
    lon: longitudeSchema.optional(),
    note: text(textLimits.note).optional(),
  })
  .refine(latLonTogether, latLonTogetherError)
  .meta({ title: "alarm body" });

/** `message` goes in either direction, with the same body. */
export const messageBody = z
  .object({
    text: text(textLimits.message),
    replyTo: messageIdSchema.optional().describe("The envelope id of the message this one answers."),
  })
  .meta({ title: "message body", description: "A free-text message, car to dispatch or dispatch to car." });

export const reportOutcomes = [
  "treated_at_home",
  "referred_gp",
  "sent_to_hospital",
  "samu_called",
  "no_patient",
  "deceased",
] as const;

export const reportBody = z
  .object({
    missionId: entityIdSchema,
    outcome: z.enum(reportOutcomes),
    summary: text(textLimits.summary),
    acts: z.array(text(textLimits.label)).max(64).optional().describe("Medical acts performed."),
    consumables: z
      .array(
        z.object({
          item: text(textLimits.label),
          qty: z.number().positive().max(10_000).describe("Quantity used, in the item's unit."),
        }),
      )
      .max(128)
      .optional(),
  })
  .meta({ title: "report body", description: "The end-of-visit report; it ends the mission." });

export const checkBody = z
  .object({
    checkId: entityIdSchema,
    itemId: entityIdSchema.describe("The equipment item checked (equipment `items[].id`)."),
    result: z.enum(["pass", "fail"]),
    technician: text(textLimits.label),
    notes: text(textLimits.note).optional(),
  })
  .meta({ title: "check body", description: "A technician check of one equipment item." });

export const rejectedBody = z
  .object({
    ref: messageIdSchema.optional().describe("Id of the refused command, when it had a readable one."),
    reason: text(textLimits.note).describe("Bad schema, wrong vehicle, unknown mission..."),
  })
  .meta({ title: "rejected body", description: "The car received a command it could not accept." });

/** Times of one mission in a shift summary: when each step was first reached (ISO 8601 UTC). */
const missionTimesSchema = z.object({
  receivedAt: isoTimestampSchema.optional(),
  acceptedAt: isoTimestampSchema.optional(),
  enRouteAt: isoTimestampSchema.optional(),
  onSceneAt: isoTimestampSchema.optional(),
  withPatientAt: isoTimestampSchema.optional(),
  visitDoneAt: isoTimestampSchema.optional(),
  visitMinutes: z.number().int().min(0).optional().describe("From arrival to the end of the visit."),
});

/**
 * The shift summary (issue 10). No patient data: it outlives the missions' purge. Sizes are capped
 * so that a whole summary stays far under the 64 KiB payload limit.
 */
export const shiftSummarySchema = z
  .object({
    startedAt: isoTimestampSchema,
    endedAt: isoTimestampSchema,
    distanceKm: z.number().min(0).max(10_000).describe("Driven, from the stored track, 0.1 km resolution."),
    statusTimes: z
      .array(
        z.object({
          key: z.enum(statusKeys),
          seconds: z.number().int().min(0),
        }),
      )
      .max(16)
      .describe("Time spent in each radio status during the shift."),
    missions: z
      .array(
        z.object({
          missionId: entityIdSchema,
          priority: z.enum(missionPriorities),
          state: text(32).describe("The mission's state at the end of the shift (closed, cancelled...)."),
          outcome: z.enum(reportOutcomes).optional(),
          times: missionTimesSchema,
        }),
      )
      .max(100),
    alarms: z
      .array(
        z.object({
          alarmId: entityIdSchema,
          kind: z.enum(alarmKinds),
          raisedAt: isoTimestampSchema,
          acknowledgedAt: isoTimestampSchema.optional(),
          cancelledAt: isoTimestampSchema.optional(),
        }),
      )
      .max(100),
    restock: z
      .array(z.object({ item: text(textLimits.label), qty: z.number().positive().max(1_000_000) }))
      .max(256)
      .describe("Consumables used in the visit reports, added up by item: the technician's restock list."),
  })
  .meta({ title: "shift summary" });

export const shiftBody = z
  .object({
    shiftId: entityIdSchema,
    state: z.enum(["started", "ended"]),
    doctor: doctorSchema,
    startedAt: isoTimestampSchema.optional().describe("When the doctor signed in."),
    summary: shiftSummarySchema.optional().describe("On `ended`: the shift summary."),
  })
  .meta({
    title: "shift body",
    description: "A doctor signed in (`started`) or out (`ended`, with the summary).",
  });
