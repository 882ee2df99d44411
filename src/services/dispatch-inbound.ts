/**
 * What dispatch accepts from the broker (DESIGN.md §4: every inbound message is hostile until the
 * schema says otherwise). A message is kept only if its topic is one of this protocol's car topics,
 * its payload passes the size-checked decoder and the car message schema, its `src` is the vehicle
 * of the topic (a car cannot speak for another, even if an ACL is misconfigured), and its `type`
 * belongs on that topic. Everything else gets a reason, for the log line and the counters.
 */

import { parseTopic } from "../contracts/ids.ts";
import {
  type CarMessage,
  carMessageSchema,
  decodeMessage,
  topicOfCarMessage,
} from "../contracts/messages.ts";

export interface Inbound {
  fleet: string;
  vehicle: string;
  message: CarMessage;
  /** Wall-clock epoch ms when dispatch read it off the socket. */
  receivedAt: number;
}

export interface AckToSend {
  fleet: string;
  vehicle: string;
  ref: string;
}

/** What one committed batch changed, for the acks, the live board and the counters. */
export interface BatchResult {
  stored: number;
  duplicates: number;
  /** Events to acknowledge, to be sent only now that they are committed. */
  acks: AckToSend[];
  /** Vehicles whose board row changed. */
  vehicles: Set<string>;
  /** `vehicle/alarmId` of alarms that changed. */
  alarms: Set<string>;
  /** Ids of incoming text messages stored. */
  messages: string[];
  missions: Set<string>;
  /** New seq gaps, for the log. */
  gapsOpened: Array<{ vehicle: string; from: number; to: number }>;
}

export type Classified = { ok: true; inbound: Inbound } | { ok: false; reason: string };

export function classifyInbound(
  topic: string,
  payload: Uint8Array | string,
  receivedAt: number,
  fleet?: string,
): Classified {
  const parsed = parseTopic(topic);
  if (parsed === null) return { ok: false, reason: "not a topic of this protocol" };
  if (parsed.suffix === "cmd") return { ok: false, reason: "a command topic, not a car topic" };
  if (fleet !== undefined && parsed.fleet !== fleet)
    return { ok: false, reason: `fleet ${parsed.fleet} is not ours` };
  const decoded = decodeMessage(carMessageSchema, payload);
  if (!decoded.ok) return { ok: false, reason: decoded.reason };
  const message = decoded.message;
  if (message.src !== parsed.vehicle)
    return { ok: false, reason: `src ${message.src} published on ${parsed.vehicle}'s topic` };
  const route = topicOfCarMessage(message.type);
  if (route === null || route.suffix !== parsed.suffix)
    return { ok: false, reason: `type ${message.type} does not belong on ${parsed.suffix}` };
  return { ok: true, inbound: { fleet: parsed.fleet, vehicle: parsed.vehicle, message, receivedAt } };
}

/**
 * Events, and every other message of the car's outbox, are acknowledged once stored (PROTOCOL.md A,
 * `ack`; dispatch-ingest-repository.ts), except a raised alarm: its ack is
 * what tells the doctor "dispatch has seen it" (the car keeps repeating it until then), so it
 * waits for an operator. A repeat of an alarm already acknowledged is acknowledged at once.
 */
export function needsOperatorAck(message: CarMessage, alarmAcknowledged: boolean): boolean {
  return message.type === "alarm" && message.body.state === "raised" && !alarmAcknowledged;
}
