/**
 * The envelope every MQTT message carries (PROTOCOL.md A, "Envelope"):
 *
 *   { "v": 1, "id": UUIDv7 | ULID, "type": string, "ts": ISO 8601 UTC, "src": vehicle | "dispatch",
 *     "seq"?: integer, "body": { ... } }
 *
 * Strict or loose objects, decided on purpose: every object of the contract is a plain `z.object`,
 * which ACCEPTS unknown fields and strips them from the parsed value. PROTOCOL.md lets anyone add
 * fields ("add fields freely"), so a receiver that refused them (`z.strictObject`) would break as soon
 * as a newer sender shipped one. Stripping rather than passing through (`z.looseObject`) keeps the
 * typed value to what was validated, and keeps `position` identical to the domain `Fix`. The JSON
 * Schema is generated with `io: "input"` (PITFALLS: zod 4), so it does not say
 * `additionalProperties: false` either: the published schemas describe what a receiver accepts.
 */
import { z } from "zod";
import { isoTimestampSchema, messageIdSchema, vehicleIdPattern } from "./ids.ts";

/** The protocol version this module speaks; a `v` of anything else is refused. */
export const protocolVersion = 1;

/** `src`: the sending vehicle's id, or `dispatch`. */
export const sourceSchema = z
  .string()
  .regex(vehicleIdPattern, { error: "expected a vehicle id or dispatch" })
  .refine((src) => src !== "_all", { error: "_all is not a sender" })
  .describe("Sender: the vehicle id, or `dispatch`.");

/**
 * `seq`: grows by 1 for each message a sender puts in its durable outbox, and survives restarts.
 * Gaps show loss. Messages that bypass the outbox (live `position`) carry none.
 */
export const sequenceSchema = z
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .describe("Outbox sequence number: +1 per durable message, survives restarts; absent on live position.");

const envelopeFields = {
  v: z.literal(protocolVersion).describe("Protocol version."),
  id: messageIdSchema,
  ts: isoTimestampSchema.describe("When the message was created, ISO 8601 UTC."),
  src: sourceSchema,
  seq: sequenceSchema.optional(),
};

/**
 * The envelope of one message type: `type` is the literal, `body` that type's schema. These are the
 * options of the discriminated unions in messages.ts.
 */
export function envelopeOf<const Type extends string, Body extends z.ZodType>(
  type: Type,
  body: Body,
  description: string,
) {
  return z
    .object({ ...envelopeFields, type: z.literal(type).describe("Message type."), body })
    .meta({ title: type, description });
}

/**
 * The envelope alone, with any `type` and an object `body`: what a receiver can check before it knows
 * the type, and the reference for `envelope.schema.json`.
 */
export const envelopeSchema = z
  .object({
    ...envelopeFields,
    type: z.string().min(1).max(64).describe("Message type; selects the body schema."),
    body: z.record(z.string(), z.unknown()).describe("The body of the message type."),
  })
  .meta({
    title: "envelope",
    description: "The envelope of every MQTT message between car and dispatch (PROTOCOL.md A).",
  });

export type Envelope = z.infer<typeof envelopeSchema>;
