/**
 * The command inbox: every raw `(topic, payload)` that dispatch publishes on the car's `cmd` topic or
 * the fleet's `_all/cmd` (PROTOCOL.md A) goes through `handle`, which:
 *
 *   1. checks the topic: this fleet, and this car or `_all` (DESIGN.md §4: refuse another vehicle's);
 *   2. decodes it with `decodeMessage(commandSchema, ...)`: 64 KiB limit before JSON.parse, strict
 *      UTF-8, then zod (numbers as strings, `__proto__` keys and deep nesting end here);
 *   3. checks the sender is `dispatch`, and that no field of the raw body names another vehicle;
 *   4. finds the handler of its `type`; a protocol type this terminal has no handler for is refused;
 *   5. in ONE transaction: skips an id already seen, else runs the handler and remembers the id, so
 *      that a redelivered QoS 1 command is applied exactly once, across crashes too.
 *
 * Every refusal is a `rejected` event through the outbox (`{ ref?, reason }`) plus a log line, both
 * with the reason. A refused id is remembered with its `rejected`, so a redelivery is not refused
 * twice. `handle` never throws: a hostile payload must not stop the link's listener.
 */

import { maxPayloadBytes, textLimits } from "../contracts/fields.ts";
import { allVehicles, messageIdSchema, parseTopic } from "../contracts/ids.ts";
import { type Command, type CommandType, commandSchema, decodeMessage } from "../contracts/messages.ts";
import type { DispatchLink } from "./dispatch-link.ts";
import type { DeliveryLog, Outbox, UnitOfWork } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";

/** The de-duplication store of received command ids (implemented in src/store/inbox-repository.ts). */
export interface CommandDedupe {
  seen(id: string): boolean;
  remember(id: string, at: number): void;
  pruneOlderThan(at: number): number;
}

/** Every command type of PROTOCOL.md A, explicitly: a type outside this list is "unknown". */
export const commandTypes = [
  "mission.assign",
  "mission.update",
  "mission.cancel",
  "message",
  "ack",
  "status.request",
  "roster",
] as const satisfies readonly CommandType[];

export interface CommandContext {
  /** Wall clock at reception. */
  receivedAt: number;
  topic: string;
  /** True when it came on the fleet's `_all/cmd`. */
  fleetWide: boolean;
}

export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;
/** Runs inside the inbox's transaction: what it enqueues or writes commits with the dedupe row. */
export type CommandHandler<T extends CommandType> = (command: CommandOf<T>, ctx: CommandContext) => void;
export type CommandHandlers = { [T in CommandType]?: CommandHandler<T> };

/** Thrown by a handler to refuse a command with a reason for dispatch ("unknown mission M-12"). */
export class CommandRejection extends Error {
  override name = "CommandRejection";
}

export interface CommandInboxOptions {
  fleet: string;
  vehicle: string;
  outbox: Outbox;
  deliveries: DeliveryLog;
  unitOfWork: UnitOfWork;
  dedupe: CommandDedupe;
  logger: Logger;
  clock: Clock;
  /** Handlers of the other services (missions, status.request...); `ack` is built in. */
  handlers?: CommandHandlers;
  /**
   * Called once a `rejected` has committed: the outbox publisher's kick. Without it the refusal
   * waits for the publisher's safety poll (5 s), and dispatch's operator for the refusal.
   */
  onEnqueued?: () => void;
}

export type InboxOutcome = "applied" | "duplicate" | "rejected" | "failed";

interface Peeked {
  ref?: string;
  type?: string;
  /** Vehicle ids named by the raw message (envelope `dst`, body `vehicle` or `vehicleId`). */
  targets: string[];
}

const retention7Days = 7 * 86_400_000;
const knownTypes: ReadonlySet<string> = new Set(commandTypes);
const vehicleFields = ["vehicle", "vehicleId"] as const;

/** Reads what it can from a payload that may be anything; never throws. */
function peek(payload: Uint8Array | string): Peeked {
  const peeked: Peeked = { targets: [] };
  const size = typeof payload === "string" ? payload.length : payload.byteLength;
  if (size > maxPayloadBytes) return peeked;
  let json: unknown;
  try {
    json = JSON.parse(
      typeof payload === "string" ? payload : new TextDecoder("utf-8", { fatal: true }).decode(payload),
    );
  } catch {
    return peeked;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return peeked;
  // Object.hasOwn and plain reads only: a `__proto__` key from JSON.parse is an own property.
  const record = json as Record<string, unknown>;
  const id = Object.hasOwn(record, "id") ? messageIdSchema.safeParse(record.id) : null;
  if (id?.success) peeked.ref = id.data;
  if (Object.hasOwn(record, "type") && typeof record.type === "string") peeked.type = record.type;
  if (Object.hasOwn(record, "dst") && typeof record.dst === "string") peeked.targets.push(record.dst);
  const body = Object.hasOwn(record, "body") ? record.body : undefined;
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    for (const field of vehicleFields) {
      const value = Object.hasOwn(body, field) ? (body as Record<string, unknown>)[field] : undefined;
      if (typeof value === "string") peeked.targets.push(value);
    }
  }
  return peeked;
}

/** A reason fits `rejected.reason` (1 to 1000 characters) whatever a hostile payload put in it. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export class CommandInbox {
  private readonly handlers = new Map<CommandType, CommandHandler<CommandType>>();
  private readonly counts: Record<InboxOutcome, number> = {
    applied: 0,
    duplicate: 0,
    rejected: 0,
    failed: 0,
  };

  constructor(private readonly options: CommandInboxOptions) {
    this.register("ack", (command, ctx) => this.onAck(command, ctx));
    for (const type of commandTypes) {
      const handler = options.handlers?.[type];
      if (handler !== undefined) this.register(type, handler as CommandHandler<typeof type>);
    }
  }

  /** Adds (or replaces) the handler of a command type; returns a function that removes it. */
  register<T extends CommandType>(type: T, handler: CommandHandler<T>): () => void {
    const stored = handler as unknown as CommandHandler<CommandType>;
    this.handlers.set(type, stored);
    return () => {
      if (this.handlers.get(type) === stored) this.handlers.delete(type);
    };
  }

  /** The command types this terminal applies; the others are refused "not supported by this terminal". */
  supportedTypes(): CommandType[] {
    return commandTypes.filter((type) => this.handlers.has(type));
  }

  /** Listens to the link's commands (attach before `link.start()`: PITFALLS.md, mqtt.js). */
  attach(link: DispatchLink): () => void {
    // A store failure must not cost the command: the link withholds its PUBACK (found by
    // test/reliability/chaos: a mission assigned during a full disk never reached the doctor).
    return link.onCommand((topic, payload) =>
      this.handle(topic, payload) === "failed" ? "retry" : "handled",
    );
  }

  stats(): Readonly<Record<InboxOutcome, number>> {
    return { ...this.counts };
  }

  /** Forgets command ids older than the retention (default 7 days); returns how many. */
  pruneSeen(retentionMs = retention7Days): number {
    return this.options.dedupe.pruneOlderThan(this.options.clock.now() - retentionMs);
  }

  handle(topic: string, payload: Uint8Array | string): InboxOutcome {
    let outcome: InboxOutcome;
    try {
      outcome = this.process(topic, payload);
    } catch (error) {
      // A store failure (disk full, locked): log and drop. The link withholds the PUBACK and
      // reconnects, the broker redelivers the command, and nothing was remembered: it is tried again.
      this.options.logger.error({ err: error, topic }, "command inbox failed to process a command");
      outcome = "failed";
    }
    this.counts[outcome]++;
    return outcome;
  }

  private process(topic: string, payload: Uint8Array | string): InboxOutcome {
    const { fleet, vehicle, clock } = this.options;
    const receivedAt = Math.round(clock.now());
    const parsedTopic = parseTopic(topic);
    if (parsedTopic === null || parsedTopic.suffix !== "cmd" || parsedTopic.fleet !== fleet)
      return this.reject(topic, payload, `not a command topic of fleet ${fleet}: ${clip(topic, 140)}`);
    if (parsedTopic.vehicle !== vehicle && parsedTopic.vehicle !== allVehicles)
      return this.reject(
        topic,
        payload,
        `wrong vehicle: topic is for ${parsedTopic.vehicle}, this is ${vehicle}`,
      );

    const decoded = decodeMessage(commandSchema, payload);
    if (!decoded.ok) {
      const peeked = peek(payload);
      const reason =
        peeked.type !== undefined && !knownTypes.has(peeked.type)
          ? `unknown command type ${JSON.stringify(clip(peeked.type, 64))}`
          : `invalid command: ${decoded.reason}`;
      return this.reject(topic, payload, reason, peeked);
    }
    const command = decoded.message;
    if (command.src !== "dispatch")
      return this.reject(topic, payload, `commands come from dispatch, not ${command.src}`);
    const other = peek(payload).targets.find((target) => target !== vehicle);
    if (other !== undefined)
      return this.reject(
        topic,
        payload,
        `wrong vehicle: command targets ${clip(other, 64)}, this is ${vehicle}`,
      );
    const handler = this.handlers.get(command.type);
    if (handler === undefined)
      return this.reject(topic, payload, `${command.type} is not supported by this terminal`);

    const ctx: CommandContext = { receivedAt, topic, fleetWide: parsedTopic.vehicle === allVehicles };
    try {
      const applied = this.options.unitOfWork.transaction(() => {
        if (this.options.dedupe.seen(command.id)) return false;
        handler(command, ctx);
        this.options.dedupe.remember(command.id, receivedAt);
        return true;
      });
      if (!applied) {
        this.options.logger.debug({ id: command.id, type: command.type }, "duplicate command ignored");
        return "duplicate";
      }
      this.options.logger.info({ id: command.id, type: command.type, topic }, "command applied");
      return "applied";
    } catch (error) {
      // The handler's effects rolled back with the transaction; refuse the command instead.
      if (!(error instanceof CommandRejection))
        this.options.logger.error(
          { err: error, id: command.id, type: command.type },
          "command handler failed",
        );
      const why = error instanceof Error ? error.message : String(error);
      const reason = error instanceof CommandRejection ? why : `${command.type} could not be applied: ${why}`;
      return this.reject(topic, payload, reason, { ref: command.id, targets: [] });
    }
  }

  /** Dispatch durably received event `ref` (PROTOCOL.md A `ack`): delivery state → received. */
  private onAck(command: CommandOf<"ack">, ctx: CommandContext): void {
    const known = this.options.deliveries.markReceived(command.body.ref, ctx.receivedAt);
    // Not a rejection: a fleet-wide ack or one for a pruned delivery is not this car's problem.
    if (!known) this.options.logger.warn({ ref: command.body.ref }, "ack for an unknown event ignored");
  }

  private reject(topic: string, payload: Uint8Array | string, reason: string, known?: Peeked): InboxOutcome {
    const { outbox, unitOfWork, dedupe, logger, clock } = this.options;
    const ref = (known ?? peek(payload)).ref;
    const now = Math.round(clock.now());
    const body = { ...(ref !== undefined ? { ref } : {}), reason: clip(reason, textLimits.note) };
    const answered = unitOfWork.transaction(() => {
      // One `rejected` per id: a redelivery of a refused command is a duplicate, not a new refusal.
      if (ref !== undefined) {
        if (dedupe.seen(ref)) return false;
        dedupe.remember(ref, now);
      }
      outbox.enqueue("rejected", body, now);
      return true;
    });
    if (!answered) {
      logger.debug({ ref }, "duplicate of a refused command ignored");
      return "duplicate";
    }
    logger.warn({ topic: clip(topic, 140), ref: ref ?? null, reason: body.reason }, "command rejected");
    this.options.onEnqueued?.();
    return "rejected";
  }
}
