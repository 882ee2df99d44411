/**
 * The MQTT messages of PROTOCOL.md part A: one envelope schema per `type`, the two discriminated
 * unions (car to dispatch, dispatch to car), the topic table, and a size-checked decoder.
 * Bodies live in telemetry.ts, car-events.ts and dispatch-commands.ts; the envelope in envelope.ts.
 */
import { z } from "zod";
import {
  alarmBody,
  checkBody,
  messageBody,
  missionAckBody,
  rejectedBody,
  reportBody,
  shiftBody,
} from "./car-events.ts";
import {
  ackBody,
  missionAssignBody,
  missionCancelBody,
  missionUpdateBody,
  rosterBody,
  statusRequestBody,
} from "./dispatch-commands.ts";
import { envelopeOf } from "./envelope.ts";
import { maxPayloadBytes } from "./fields.ts";
import type { CarTopicSuffix } from "./ids.ts";
import { equipmentBody, positionBody, presenceBody, statusBody, trackBody } from "./telemetry.ts";

// Car to dispatch: retained state and telemetry.
export const presenceMessage = envelopeOf("presence", presenceBody, "Car presence: birth and last will.");
export const positionMessage = envelopeOf("position", positionBody, "Latest live fix (no seq: no outbox).");
export const trackMessage = envelopeOf("track", trackBody, "A batch of stored fixes after an outage.");
export const statusMessage = envelopeOf("status", statusBody, "Current radio status.");
export const equipmentMessage = envelopeOf("equipment", equipmentBody, "Equipment readiness summary.");
// Car to dispatch: events.
export const missionAckMessage = envelopeOf("mission.ack", missionAckBody, "Mission progress on the car.");
export const alarmMessage = envelopeOf("alarm", alarmBody, "Panic, lone-worker or equipment alarm.");
/** `message` has the same schema in both directions. */
export const textMessage = envelopeOf("message", messageBody, "Free-text message, either direction.");
export const reportMessage = envelopeOf("report", reportBody, "End-of-visit report.");
export const checkMessage = envelopeOf("check", checkBody, "Technician check of an equipment item.");
export const rejectedMessage = envelopeOf("rejected", rejectedBody, "A command the car refused.");
export const shiftMessage = envelopeOf("shift", shiftBody, "A doctor's shift started or ended (issue 10).");
// Dispatch to car.
export const missionAssignCommand = envelopeOf("mission.assign", missionAssignBody, "Assigns a mission.");
export const missionUpdateCommand = envelopeOf("mission.update", missionUpdateBody, "Changes a mission.");
export const missionCancelCommand = envelopeOf("mission.cancel", missionCancelBody, "Cancels a mission.");
export const ackCommand = envelopeOf("ack", ackBody, "Dispatch's end-to-end acknowledgement of an event.");
export const statusRequestCommand = envelopeOf("status.request", statusRequestBody, "Asks for a re-publish.");
export const rosterCommand = envelopeOf("roster", rosterBody, "Replaces the roster of doctors (issue 10).");

/** Everything the car publishes, discriminated on `type`. */
export const carMessageSchema = z
  .discriminatedUnion("type", [
    presenceMessage,
    positionMessage,
    trackMessage,
    statusMessage,
    equipmentMessage,
    missionAckMessage,
    alarmMessage,
    textMessage,
    reportMessage,
    checkMessage,
    rejectedMessage,
    shiftMessage,
  ])
  .meta({ title: "car message", description: "A message the car publishes (PROTOCOL.md A)." });

/** Everything dispatch publishes on `cmd`, discriminated on `type`. */
export const commandSchema = z
  .discriminatedUnion("type", [
    missionAssignCommand,
    missionUpdateCommand,
    missionCancelCommand,
    textMessage,
    ackCommand,
    statusRequestCommand,
    rosterCommand,
  ])
  .meta({ title: "command", description: "A command dispatch publishes to a car (PROTOCOL.md A)." });

export type CarMessage = z.infer<typeof carMessageSchema>;
export type Command = z.infer<typeof commandSchema>;
export type CarMessageType = CarMessage["type"];
export type CommandType = Command["type"];
export type MessageType = CarMessageType | CommandType;

export type PresenceMessage = z.infer<typeof presenceMessage>;
export type PositionMessage = z.infer<typeof positionMessage>;
export type TrackMessage = z.infer<typeof trackMessage>;
export type StatusMessage = z.infer<typeof statusMessage>;
export type EquipmentMessage = z.infer<typeof equipmentMessage>;
export type MissionAckMessage = z.infer<typeof missionAckMessage>;
export type AlarmMessage = z.infer<typeof alarmMessage>;
export type TextMessage = z.infer<typeof textMessage>;
export type ReportMessage = z.infer<typeof reportMessage>;
export type CheckMessage = z.infer<typeof checkMessage>;
export type RejectedMessage = z.infer<typeof rejectedMessage>;
export type ShiftMessage = z.infer<typeof shiftMessage>;
export type MissionAssignCommand = z.infer<typeof missionAssignCommand>;
export type MissionUpdateCommand = z.infer<typeof missionUpdateCommand>;
export type MissionCancelCommand = z.infer<typeof missionCancelCommand>;
export type AckCommand = z.infer<typeof ackCommand>;
export type StatusRequestCommand = z.infer<typeof statusRequestCommand>;
export type RosterCommand = z.infer<typeof rosterCommand>;

/** The body type of a car message type, e.g. `CarBody<"status">`. */
export type CarBody<T extends CarMessageType> = Extract<CarMessage, { type: T }>["body"];
/** The body type of a command type, e.g. `CommandBody<"mission.assign">`. */
export type CommandBody<T extends CommandType> = Extract<Command, { type: T }>["body"];

export interface Route {
  suffix: CarTopicSuffix;
  qos: 0 | 1;
  retained: boolean;
}

/**
 * PROTOCOL.md A, topic table: where each car message goes, with which QoS and retain flag. `position`
 * is QoS 0 because a newer fix supersedes a lost one; what must not be lost goes through the outbox
 * at QoS 1. Retained topics hold the car's current state for a dispatch console that connects later.
 */
export const carMessageRoutes = {
  presence: { suffix: "presence", qos: 1, retained: true },
  position: { suffix: "position", qos: 0, retained: true },
  track: { suffix: "track", qos: 1, retained: false },
  status: { suffix: "status", qos: 1, retained: true },
  equipment: { suffix: "equipment", qos: 1, retained: true },
  "mission.ack": { suffix: "events", qos: 1, retained: false },
  alarm: { suffix: "events", qos: 1, retained: false },
  message: { suffix: "events", qos: 1, retained: false },
  report: { suffix: "events", qos: 1, retained: false },
  check: { suffix: "events", qos: 1, retained: false },
  rejected: { suffix: "events", qos: 1, retained: false },
  shift: { suffix: "events", qos: 1, retained: false },
} as const satisfies Record<CarMessageType, Route>;

/**
 * The route of a car message type, or null for a type this version does not know (a string read from
 * a store or another system is not trusted to be a `CarMessageType`).
 */
export function topicOfCarMessage<T extends CarMessageType>(type: T): (typeof carMessageRoutes)[T];
export function topicOfCarMessage(type: string): Route | null;
export function topicOfCarMessage(type: string): Route | null {
  return Object.hasOwn(carMessageRoutes, type) ? carMessageRoutes[type as CarMessageType] : null;
}

/** Dispatch's commands go to `.../{vehicle}/cmd` or `.../_all/cmd`, QoS 1, never retained. */
export const commandRoute = { suffix: "cmd", qos: 1, retained: false } as const;

export type Decoded<T> = { ok: true; message: T } | { ok: false; reason: string };

/**
 * Decodes an inbound payload: at most 64 KiB (checked before JSON.parse, so a huge payload costs
 * nothing), valid JSON, then the schema. The reason is readable and names the path of each problem,
 * for the log line that goes with every rejection (DESIGN.md §4).
 */
export function decodeMessage<S extends z.ZodType>(
  schema: S,
  payload: Uint8Array | string,
): Decoded<z.infer<S>> {
  // A UTF-16 code unit is at least one UTF-8 byte: a string that long is too big without encoding it.
  const bytes =
    typeof payload !== "string"
      ? payload
      : payload.length > maxPayloadBytes
        ? null
        : new TextEncoder().encode(payload);
  const size = bytes?.byteLength ?? payload.length;
  if (bytes === null || size > maxPayloadBytes) {
    return {
      ok: false,
      reason: `payload of ${size}${bytes === null ? "+" : ""} bytes exceeds ${maxPayloadBytes}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(
      typeof payload === "string" ? payload : new TextDecoder("utf-8", { fatal: true }).decode(bytes),
    );
  } catch (error) {
    return { ok: false, reason: `not UTF-8 JSON: ${(error as Error).message}` };
  }
  const result = schema.safeParse(json);
  return result.success
    ? { ok: true, message: result.data }
    : { ok: false, reason: describeIssues(result.error) };
}

/** `body.lat: latitude must be in [-90, 90]; type: ...`: one line, each issue with its path. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}
