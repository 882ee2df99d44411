/**
 * Bodies of the car's retained state and telemetry (PROTOCOL.md A, "Bodies"): `presence`,
 * `position`, `track`, `status` and `equipment`. Objects accept unknown fields; see envelope.ts.
 */
import { z } from "zod";
import type { Fix } from "../domain/gnss/fix.ts";
import { isMatchingStatus, statusKeys } from "../domain/radio-status.ts";
import { isValidRpps } from "../domain/shifts/rpps.ts";
import {
  entityIdSchema,
  latitudeSchema,
  latLonTogether,
  latLonTogetherError,
  longitudeSchema,
  text,
  textLimits,
} from "./fields.ts";
import { isoDateSchema, isoTimestampSchema } from "./ids.ts";

/**
 * The RPPS number: 11 digits, the last a Luhn key (src/domain/shifts/rpps.ts). The key is not
 * expressible in JSON Schema, which only says 11 digits.
 */
export const rppsSchema = z
  .string()
  .regex(/^\d{11}$/, { error: "expected the 11 digits of an RPPS number" })
  .refine(isValidRpps, { error: "RPPS check digit (Luhn key) is wrong" })
  .describe("RPPS number of a health professional: 11 digits, the last a Luhn key.");

/** The doctor signed in on the car (issue 10). */
export const doctorSchema = z
  .object({
    rpps: rppsSchema,
    name: text(textLimits.label).describe("The doctor's name as the roster gives it."),
  })
  .describe("The doctor on shift in this car.");

export const presenceBody = z
  .object({
    state: z.enum(["online", "offline"]).describe("`online` at connect (birth); `offline` is the last will."),
    since: isoTimestampSchema.describe("When the car entered this state."),
    app: text(64).describe("Version of the terminal software, for example 1.2.3."),
    doctor: doctorSchema
      .optional()
      .describe("The doctor signed in when this was published; absent when nobody is."),
  })
  .meta({ title: "presence body" });

export const fixKinds = ["2d", "3d", "dgps", "rtk", "estimated"] as const;

/**
 * The `position` body is the domain `Fix` (src/domain/gnss/fix.ts), field for field; the check below
 * makes the compiler fail when either side changes alone. A field the receiver did not give is
 * absent, never 0 (nmea0183-signalk: an empty field once became a 13° course error).
 */
export const positionBody = z
  .object({
    fixTime: isoTimestampSchema.describe("GNSS time of the fix, ISO 8601 UTC (not the system clock)."),
    lat: latitudeSchema,
    lon: longitudeSchema,
    alt: z.number().optional().describe("Metres above mean sea level."),
    speed: z.number().min(0).optional().describe("Speed over ground, m/s."),
    heading: z
      .number()
      .min(0)
      .lt(360, { error: "heading must be in [0, 360)" })
      .optional()
      .describe("Course over ground, degrees true, [0, 360)."),
    fix: z.enum(fixKinds).describe("Fix quality."),
    sats: z.number().int().min(0).max(255).optional().describe("Satellites used in the solution."),
    hdop: z.number().min(0).optional().describe("Horizontal dilution of precision."),
  })
  .meta({ title: "position body", description: "A WGS84 GNSS fix. With no fix, no position is sent." });

/**
 * Mutual assignability alone misses an optional field that only one side has (`{ a?: 1 }` and `{}`
 * are assignable both ways), so the key sets must be equal too.
 */
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameShape<A, B> = MutuallyAssignable<A, B> extends true ? MutuallyAssignable<keyof A, keyof B> : false;
/** Compile-time: `z.infer<typeof positionBody>` and `Fix` are the same type. */
const positionIsFix: SameShape<z.infer<typeof positionBody>, Fix> = true;
void positionIsFix;

/** PROTOCOL.md A: a track batch holds at most 500 points. */
export const maxTrackPoints = 500;

export const trackBody = z
  .object({
    points: z
      .array(positionBody)
      .min(1, { error: "a track batch holds at least one point" })
      .max(maxTrackPoints, { error: `a track batch holds at most ${maxTrackPoints} points` })
      .describe("Stored fixes after an outage, oldest first in each batch."),
  })
  .meta({ title: "track body" });

export const statusBody = z
  .object({
    code: z.number().int().min(0).max(9).describe("Radio status code, 0-9."),
    key: z.enum(statusKeys).describe("Radio status key; must match `code`."),
    since: isoTimestampSchema.describe("When the car entered this status."),
    missionId: entityIdSchema.optional().describe("The mission this status belongs to."),
    lat: latitudeSchema.optional(),
    lon: longitudeSchema.optional(),
    note: text(textLimits.note).optional(),
    doctor: doctorSchema.optional().describe("The doctor on shift; absent when nobody is signed in."),
  })
  .refine((body) => isMatchingStatus(body.code, body.key), {
    error: "code and key name different radio statuses",
    path: ["key"],
  })
  .refine(latLonTogether, latLonTogetherError)
  .meta({ title: "status body", description: "Current radio status (see the radio status table)." });

/** PROTOCOL.md A: the documented equipment kinds. Another kind must be documented before use. */
export const equipmentKinds = [
  "ecg",
  "bavu",
  "oxygen",
  "infusion_kit",
  "drug_kit",
  "drug_storage",
  "vehicle_power",
] as const;

export const equipmentStates = ["ok", "warning", "fault", "unknown"] as const;

/** Readings are small scalars (`pressure_bar`, `battery_pct`, `celsius`...), keyed in snake_case. */
const readingsSchema = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, { error: "expected a snake_case reading name" }),
    z.union([z.number(), z.boolean(), z.string().max(textLimits.label), z.null()]),
  )
  .refine((readings) => Object.keys(readings).length <= 32, { error: "at most 32 readings" })
  .describe("Raw readings behind the verdict, for example { pressure_bar: 180, flow_lpm: 0 }.");

export const equipmentItem = z.object({
  id: entityIdSchema.describe("Item id from the vehicle profile, for example o2-main."),
  kind: z
    .union([
      z.enum(equipmentKinds),
      z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, { error: "expected a snake_case equipment kind" }),
    ])
    .describe("One of the documented kinds, or another documented snake_case kind."),
  state: z.enum(equipmentStates),
  reasons: z.array(text(textLimits.label)).max(16).describe("Why the state is not ok; empty when ok."),
  readings: readingsSchema.optional(),
  checkedAt: isoTimestampSchema.optional().describe("Last check or reading."),
  expiresOn: isoDateSchema.optional().describe("Expiry date of a kit or drug."),
});

export const equipmentBody = z
  .object({
    ready: z.boolean().describe("The readiness verdict: may the car be available?"),
    items: z.array(equipmentItem).max(64),
  })
  .meta({ title: "equipment body", description: "Readiness summary, on change and every 10 min." });
