/**
 * Field schemas shared by the message bodies of PROTOCOL.md part A.
 *
 * Every string has a maximum length and every array a maximum size: an inbound message is hostile
 * until the schema says otherwise (DESIGN.md §4), and a 1 MiB string in a note must fail here rather
 * than reach SQLite or the kiosk. The limits sit well above any real value; the whole payload is
 * capped at 64 KiB anyway (`maxPayloadBytes`).
 */
import { z } from "zod";

/** PROTOCOL.md A: every payload is UTF-8 JSON and at most 64 KiB. */
export const maxPayloadBytes = 64 * 1024;

/** Limits on free text, in UTF-16 code units (what zod's `.max` counts). */
export const textLimits = {
  /** Short labels: a name, a technician, an app version, a consumable. */
  label: 200,
  /** A reason, a note, an address. */
  note: 1000,
  /** A free-text message between the doctor and dispatch. */
  message: 4000,
  /** The end-of-visit summary. */
  summary: 16_000,
} as const;

/** A bounded, non-empty string. */
export function text(max: number) {
  return z
    .string()
    .min(1, { error: "must not be empty" })
    .max(max, { error: `at most ${max} characters` });
}

/**
 * Ids that other systems mint (missions, alarms, checks, equipment items): printable ASCII without
 * spaces, up to 128 characters. That fits CAD mission numbers and Hub Santé ids, and keeps them
 * safe in log lines and SQLite keys.
 */
export const entityIdSchema = z
  .string()
  .max(128, { error: "at most 128 characters" })
  .regex(/^[!-~]+$/, { error: "expected 1 to 128 printable ASCII characters without spaces" });

/** WGS84 latitude in degrees. */
export const latitudeSchema = z
  .number()
  .min(-90, { error: "latitude must be in [-90, 90]" })
  .max(90, { error: "latitude must be in [-90, 90]" })
  .describe("WGS84 latitude, degrees.");

/** WGS84 longitude in degrees. */
export const longitudeSchema = z
  .number()
  .min(-180, { error: "longitude must be in [-180, 180]" })
  .max(180, { error: "longitude must be in [-180, 180]" })
  .describe("WGS84 longitude, degrees.");

/**
 * A position without its other half is useless (and `lat` alone could be mistaken for a full
 * position by a consumer), so optional `lat`/`lon` pairs must come together.
 */
export function latLonTogether(value: { lat?: number | undefined; lon?: number | undefined }): boolean {
  return (value.lat === undefined) === (value.lon === undefined);
}
export const latLonTogetherError = { error: "lat and lon must be given together", path: ["lon"] };

/**
 * A phone number to call back: E.164 (`+33612345678`, 8 to 15 digits after `+`) or the French
 * national format (`0612345678`, optionally grouped by two with spaces or dots: `06 12 34 56 78`).
 * Short numbers (`15`, `3624`) are not callback numbers and are refused.
 */
export const phoneSchema = z
  .string()
  .max(20)
  .regex(/^(?:\+[1-9]\d{7,14}|0[1-9](?:[ .]?\d{2}){4})$/, {
    error: "expected an E.164 number (+33612345678) or a French number (06 12 34 56 78)",
  })
  .describe("Phone: E.164 (+33612345678) or French national format (0612345678, 06 12 34 56 78).");
