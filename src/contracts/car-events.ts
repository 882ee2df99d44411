/**
 * Bodies of the events the car publishes on `events` (PROTOCOL.md A, "Bodies"): `mission.ack`,
 * `alarm`, `message` (shared with dispatch), `report`, `check` and `rejected`. Objects accept
 * unknown fields; see envelope.ts.
 */
import { z } from "zod";
import {
  entityIdSchema,
  latitudeSchema,
  latLonTogether,
  latLonTogetherError,
  longitudeSchema,
  text,
  textLimits,
} from "./fields.ts";
import { messageIdSchema } from "./ids.ts";

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
