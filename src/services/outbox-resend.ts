/**
 * Resend until dispatch's ack (DESIGN.md §3, "End-to-end acknowledgement").
 *
 * A PUBACK only says that the broker has a message. A broker killed before it saved its queue, or
 * one that came back without dispatch's shared subscriptions (mosquitto 2.0 restores the sessions
 * but not those subscriptions), drops what it had PUBACKed, and the outbox has deleted it by then
 * (found by test/reliability/chaos). FMS and TETRA status radio repeat a status until the control
 * room acknowledges it; so does the car: each published message is kept in memory (bounded) and
 * published again after 30 s, then 1, 2, 4... up to 10 min, until the delivery log says `received`.
 *
 * - Not retained: the broker's retained status must stay the newest one, never an older resend.
 * - Dispatch de-duplicates on the id, and acks a duplicate again (unless an operator must ack it
 *   first: an alarm), so a lost ack is healed the same way.
 * - At most 16 resends per poll, oldest first: a backlog must not burst onto a link just back.
 * - With `store` (the core's SQLite `unacked` table, resend-migrations.ts) the copies survive a power
 *   cut: the list is read again at each poll, and a restarted core resends after `afterMs`. Without
 *   it they live in memory only, and a power cut leaves such a message "sent" for good.
 */
import type { DispatchLink } from "./dispatch-link.ts";
import type { DeliveryLog, OutboxMessage } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";

export interface ResendOptions {
  deliveries: Pick<DeliveryLog, "stateOf">;
  /** The durable copies (PUBACKed, not yet acknowledged), oldest first. */
  store?: { unacknowledged(limit: number): OutboxMessage[] };
  /** First resend this long after the PUBACK (default 30 s), then twice as long each time... */
  afterMs?: number;
  /** ...up to this (default 10 min). */
  maxMs?: number;
  /** At most this many messages kept, the oldest forgotten first (default 2,000). */
  maxKept?: number;
}

interface AwaitingAck {
  message: OutboxMessage;
  /** Monotonic ms. */
  dueAt: number;
  delayMs: number;
}

const maxResendsPerPoll = 16;

export class UnackedResender {
  /** Insertion order = oldest first. */
  private readonly awaiting = new Map<string, AwaitingAck>();

  constructor(
    private readonly options: ResendOptions,
    private readonly ctx: {
      link: Pick<DispatchLink, "isConnected" | "publish">;
      logger: Logger;
      clock: Clock;
      onResent?: () => void;
    },
  ) {}

  /** A message got its PUBACK: keep it until dispatch acknowledges it. */
  keep(message: OutboxMessage): void {
    const delayMs = this.options.afterMs ?? 30_000;
    this.awaiting.set(message.id, { message, dueAt: this.ctx.clock.monotonic() + delayMs, delayMs });
    const excess = this.awaiting.size - (this.options.maxKept ?? 2000);
    if (excess > 0) for (const id of [...this.awaiting.keys()].slice(0, excess)) this.awaiting.delete(id);
  }

  /** How many messages wait for dispatch's ack. */
  size(): number {
    return this.awaiting.size;
  }

  clear(): void {
    this.awaiting.clear();
  }

  /** The durable list is the truth: adopt what a previous run left, forget what was acknowledged. */
  private reload(now: number): void {
    let stored: OutboxMessage[];
    try {
      stored = this.options.store?.unacknowledged(this.options.maxKept ?? 2000) ?? [];
    } catch (error) {
      this.ctx.logger.warn({ err: error }, "could not read the unacknowledged messages");
      return;
    }
    const ids = new Set(stored.map((message) => message.id));
    for (const id of [...this.awaiting.keys()]) if (!ids.has(id)) this.awaiting.delete(id);
    const afterMs = this.options.afterMs ?? 30_000;
    for (const message of stored)
      if (!this.awaiting.has(message.id))
        this.awaiting.set(message.id, { message, dueAt: now + afterMs, delayMs: afterMs });
  }

  /** Forgets what dispatch acknowledged; publishes again what is due and still unacknowledged. */
  resendDue(): void {
    const { link, logger, clock } = this.ctx;
    if (!link.isConnected()) return;
    const now = clock.monotonic();
    if (this.options.store) this.reload(now);
    let sent = 0;
    for (const [id, entry] of this.awaiting) {
      if (sent >= maxResendsPerPoll) return;
      if (entry.dueAt > now) continue;
      let state: string | undefined;
      try {
        state = this.options.deliveries.stateOf(id)?.state;
      } catch (error) {
        logger.warn({ err: error }, "could not read a delivery state; resends wait for the next poll");
        return;
      }
      if (state === undefined || state === "received") {
        this.awaiting.delete(id);
        continue;
      }
      sent++;
      entry.delayMs = Math.min(entry.delayMs * 2, this.options.maxMs ?? 600_000);
      entry.dueAt = now + entry.delayMs;
      this.ctx.onResent?.();
      const { message } = entry;
      link.publish(message.suffix, message.payload, { qos: message.qos, retain: false }).then(
        () =>
          logger.info(
            { id, seq: message.seq, type: message.type },
            "re-sent: dispatch had not acknowledged it",
          ),
        () => {
          // The link dropped: still due, it goes at the first poll after the reconnect.
          entry.dueAt = now;
        },
      );
    }
  }
}
