/**
 * Builds and validates dispatch's command envelopes (PROTOCOL.md A, `src: "dispatch"`), the
 * counterpart of car-envelope.ts: every command leaves dispatch through the command schema.
 */
import { protocolVersion } from "../contracts/envelope.ts";
import { newMessageId } from "../contracts/message-id.ts";
import { type Command, type CommandType, commandSchema, describeIssues } from "../contracts/messages.ts";

export class CommandEnvelopeError extends Error {
  override name = "CommandEnvelopeError";
}

export interface CommandInput {
  type: CommandType;
  body: unknown;
  /** Wall-clock epoch ms: `ts` and the UUIDv7's time. */
  now: number;
  /** Only for commands that go through dispatch's durable outbox (acks do not). */
  seq?: number;
  /** To re-build an envelope with the id it already has (the outbox assigns seq after the id). */
  id?: string;
}

export function commandEnvelope(input: CommandInput): Command {
  const now = Math.floor(input.now);
  const parsed = commandSchema.safeParse({
    v: protocolVersion,
    id: input.id ?? newMessageId(now),
    type: input.type,
    ts: new Date(now).toISOString(),
    src: "dispatch",
    ...(input.seq === undefined ? {} : { seq: input.seq }),
    body: input.body,
  });
  if (!parsed.success)
    throw new CommandEnvelopeError(`invalid ${input.type}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
