/**
 * JSON Schema of every MQTT message type and of the envelope, generated from the zod schemas, which
 * stay the single source of truth (DESIGN.md §2). scripts/generate-protocol-schemas.ts writes them to
 * docs/protocol/, and a test fails when the committed files drift from this output.
 *
 * - `io: "input"`: zod 4 emits the OUTPUT schema by default, with `additionalProperties: false`
 *   although parsing accepts (and strips) unknown keys (PITFALLS: zod 4). The input schema is what a
 *   receiver accepts, and it leaves room for the fields others will add.
 * - draft-07: the Hub Santé schemas we must also validate against (shared/interop/hub-sante) are
 *   draft-07, so one validator set-up (ajv's default class) serves both, and draft-07 is the draft
 *   that the CAD vendors' tools and code generators most widely support. Nothing in these messages
 *   needs a 2020-12 feature.
 *
 * Refinements (code/key agreement, lat/lon pairs, reserved vehicle ids) cannot be expressed by
 * zod's generator and are absent from the JSON Schema: the zod schema is the stricter of the two.
 */
import { z } from "zod";
import { envelopeSchema } from "./envelope.ts";
import {
  ackCommand,
  alarmMessage,
  checkMessage,
  equipmentMessage,
  type MessageType,
  missionAckMessage,
  missionAssignCommand,
  missionCancelCommand,
  missionUpdateCommand,
  positionMessage,
  presenceMessage,
  rejectedMessage,
  reportMessage,
  rosterCommand,
  shiftMessage,
  statusMessage,
  statusRequestCommand,
  textMessage,
  trackMessage,
} from "./messages.ts";

/** One envelope schema per message type (`message` is shared by both directions). */
export const messageSchemasByType = {
  presence: presenceMessage,
  position: positionMessage,
  track: trackMessage,
  status: statusMessage,
  equipment: equipmentMessage,
  "mission.ack": missionAckMessage,
  alarm: alarmMessage,
  message: textMessage,
  report: reportMessage,
  check: checkMessage,
  rejected: rejectedMessage,
  shift: shiftMessage,
  "mission.assign": missionAssignCommand,
  "mission.update": missionUpdateCommand,
  "mission.cancel": missionCancelCommand,
  ack: ackCommand,
  "status.request": statusRequestCommand,
  roster: rosterCommand,
} as const satisfies Record<MessageType, z.ZodType>;

export const messageTypes = Object.keys(messageSchemasByType) as MessageType[];

export interface GeneratedSchema {
  /** File name under docs/protocol/, e.g. `mission.assign.schema.json`. */
  fileName: string;
  schema: Record<string, unknown>;
}

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: "input", target: "draft-07" }) as Record<string, unknown>;
}

/** The envelope first, then every message type in the order of PROTOCOL.md. */
export function protocolJsonSchemas(): GeneratedSchema[] {
  return [
    { fileName: "envelope.schema.json", schema: toJsonSchema(envelopeSchema) },
    ...messageTypes.map((type) => ({
      fileName: `${type}.schema.json`,
      schema: toJsonSchema(messageSchemasByType[type]),
    })),
  ];
}
