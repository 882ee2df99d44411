/**
 * Bodies of the commands dispatch publishes on `cmd` (PROTOCOL.md A, "Bodies"): `mission.assign`,
 * `mission.update`, `mission.cancel`, `message` (see car-events.ts), `ack`, `status.request` and
 * `roster` (issue 10, an addition to PROTOCOL.md).
 * Objects accept unknown fields; see envelope.ts.
 */
import { z } from "zod";
import { pinHashPattern } from "./config.ts";
import {
  entityIdSchema,
  latitudeSchema,
  latLonTogether,
  latLonTogetherError,
  longitudeSchema,
  phoneSchema,
  text,
  textLimits,
} from "./fields.ts";
import { messageIdSchema } from "./ids.ts";
import { rppsSchema } from "./telemetry.ts";

/** P0 is a life-threatening emergency; P3 can wait. */
export const missionPriorities = ["P0", "P1", "P2", "P3"] as const;

export const addressSchema = z
  .object({
    text: text(textLimits.note).describe("The address as the doctor reads it."),
    lat: latitudeSchema.optional(),
    lon: longitudeSchema.optional(),
    access: text(textLimits.note).optional().describe("Door code, floor, how to get in."),
  })
  .refine(latLonTogether, latLonTogetherError);

/**
 * Patient sex as the caller reports it: `M`, `F`, `O` (other) or `U` (unknown). PROTOCOL.md names the
 * field without values; these are the administrative-sex codes used by HL7 and French health systems.
 */
export const patientSexes = ["M", "F", "O", "U"] as const;

export const patientSchema = z.object({
  name: text(textLimits.label).optional(),
  age: z.number().int().min(0).max(150).optional().describe("Age in whole years (0 for an infant)."),
  sex: z.enum(patientSexes).optional(),
});

/**
 * Hub Santé case id, `{pays}.{domaine}.{organisation}.{senderCaseId}` (RS-SR.schema.json `caseId`).
 * Written without the official pattern's nested quantifier `([a-zA-Z0-9_-]+\.?){4,10}`, which
 * backtracks exponentially on a hostile string; the dotted form here is what that pattern documents.
 */
export const caseIdSchema = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+){3,9}$/, {
    error: "expected a Hub Santé case id such as fr.health.samu330.DRFR153300123",
  })
  .describe("Hub Santé case id, {pays}.{domaine}.{organisation}.{senderCaseId}.");

const missionFields = {
  missionId: entityIdSchema,
  priority: z.enum(missionPriorities).describe("P0 is a life-threatening emergency; P3 can wait."),
  reason: text(textLimits.note).describe("Why the doctor is sent."),
  address: addressSchema,
  patient: patientSchema.optional(),
  callback: phoneSchema.optional().describe("Number to call back: E.164 or French national format."),
  notes: text(textLimits.message).optional(),
  caseId: caseIdSchema.optional(),
};

export const missionAssignBody = z
  .object(missionFields)
  .meta({ title: "mission.assign body", description: "A new mission for the car." });

/** `{ missionId, ...changed fields }`: every field of an assignment may change, except the id. */
export const missionUpdateBody = z
  .object({
    ...missionFields,
    priority: missionFields.priority.optional(),
    reason: missionFields.reason.optional(),
    address: missionFields.address.optional(),
  })
  .meta({ title: "mission.update body", description: "The mission id and the fields that changed." });

export const missionCancelBody = z
  .object({
    missionId: entityIdSchema,
    reason: text(textLimits.note),
  })
  .meta({ title: "mission.cancel body", description: "Ends the mission at any point before visit_done." });

export const ackBody = z
  .object({
    ref: messageIdSchema.describe("Id of the event dispatch has durably received."),
  })
  .meta({ title: "ack body", description: "Dispatch has durably received event `ref`." });

export const statusRequestBody = z.object({}).meta({
  title: "status.request body",
  description: "The car answers by re-publishing its status, position and equipment.",
});

/** One doctor of the association's roster (issue 10). */
export const rosterDoctorFields = {
  rpps: rppsSchema,
  name: text(textLimits.label).describe("The name shown on the car and sent in presence and status."),
  pinHash: z
    .string()
    .regex(pinHashPattern, { error: "expected the output of `sosm pin hash` (scrypt$N$r$p$salt$key)" })
    .optional()
    .describe(
      "The doctor's PIN as `sosm pin hash` writes it; without it, the PIN enrolled on the car stays.",
    ),
};

export const rosterBody = z
  .object({
    doctors: z.array(z.object(rosterDoctorFields)).max(500),
    allowUnknown: z
      .boolean()
      .optional()
      .describe("Whether a doctor outside the roster may sign in; absent keeps the car's setting."),
  })
  .refine((body) => new Set(body.doctors.map((d) => d.rpps)).size === body.doctors.length, {
    error: "an RPPS number appears twice",
    path: ["doctors"],
  })
  .meta({
    title: "roster body",
    description: "Replaces the association's roster on the car: who may sign in (issue 10).",
  });
