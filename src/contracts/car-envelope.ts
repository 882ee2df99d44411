/**
 * Builds and validates a car message envelope (PROTOCOL.md A): the one place where `v`, `id`, `ts`,
 * `src` and the optional `seq` are put around a body, for the outbox, presence and live telemetry.
 */
import { protocolVersion } from "./envelope.ts";
import { newMessageId } from "./message-id.ts";
import { type CarMessage, type CarMessageType, carMessageSchema, describeIssues } from "./messages.ts";

export interface CarEnvelopeInput {
  type: CarMessageType;
  body: unknown;
  src: string;
  /** Wall-clock epoch ms of creation: gives `ts` and the UUIDv7's time. */
  now: number;
  /** Only for messages that go through the durable outbox. */
  seq?: number;
}

export class EnvelopeError extends Error {
  override name = "EnvelopeError";
}

/** Returns the validated message (unknown body fields stripped); throws EnvelopeError on a bad body. */
export function carEnvelope(input: CarEnvelopeInput): CarMessage {
  const now = Math.floor(input.now);
  const candidate = {
    v: protocolVersion,
    id: newMessageId(now),
    type: input.type,
    ts: new Date(now).toISOString(),
    src: input.src,
    ...(input.seq === undefined ? {} : { seq: input.seq }),
    body: input.body,
  };
  const parsed = carMessageSchema.safeParse(candidate);
  if (!parsed.success)
    throw new EnvelopeError(`invalid ${input.type} message: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
