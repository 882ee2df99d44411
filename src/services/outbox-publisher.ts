/**
 * The publishing half of the transactional outbox (DESIGN.md §3): while the link is connected, sends
 * the outbox's messages in seq order and deletes each one on its PUBACK (`markPublished`).
 *
 * - Pipelined: up to `maxInFlight` publishes wait for their PUBACK at once. mqtt.js writes them on
 *   one connection in call order, so the broker receives them in seq order; they are never reordered
 *   here. Each message is handed to the link once per connection.
 * - A disconnect drops everything in flight from memory (not from the outbox); on the next connect
 *   the loop starts again from the oldest message still in the outbox, so whatever had no PUBACK is
 *   resent, in the same order. Dispatch de-duplicates on the id (PITFALLS.md, mqtt.js: its own queue
 *   is in memory and does not survive a power cut, so it is never relied on).
 * - A publish that fails while the link stays connected (the broker refused it) stops the pipeline:
 *   the loop waits for every other in-flight publish to settle, so that one that gets its PUBACK is
 *   not sent twice, then retries from the oldest with a backoff growing ×2 up to `maxBackoffMs`.
 *   Messages behind the failed one may then have reached dispatch first: `seq` lets it reorder.
 * - `kick()` after an enqueue sends at once. It defers to a microtask, so a kick from inside a
 *   transaction only reads once that transaction has committed. A poll catches enqueues nobody kicked.
 * - With `resend`, what dispatch has not acknowledged goes out again (outbox-resend.ts).
 */
import type { DispatchLink, DispatchLinkStatus } from "./dispatch-link.ts";
import type { Outbox, OutboxMessage } from "./outbox.ts";
import { type ResendOptions, UnackedResender } from "./outbox-resend.ts";
import type { Clock, Logger } from "./ports.ts";

export interface OutboxPublisherOptions {
  outbox: Outbox;
  link: DispatchLink;
  logger: Logger;
  clock: Clock;
  /** Publishes awaiting their PUBACK at once (default 16). */
  maxInFlight?: number;
  /** First retry delay after a publish error (default 1 s), doubled per consecutive error... */
  initialBackoffMs?: number;
  /** ...up to this (default 60 s). */
  maxBackoffMs?: number;
  /** Safety poll for messages enqueued without a kick (default 5 s); it also runs the resends. */
  pollIntervalMs?: number;
  /** Publish again what dispatch has not acknowledged (see above); off without it. */
  resend?: ResendOptions;
}

export interface OutboxPublisherStats {
  /** Messages whose PUBACK arrived and that left the outbox, since start. */
  published: number;
  /** Messages handed to the link again after a disconnect or an error. */
  resent: number;
  /** Publishes that failed (disconnects included). */
  failures: number;
  consecutiveErrors: number;
  inFlight: number;
  /** Messages in the outbox, in flight included. */
  pending: number;
  /** Set while waiting to retry after a publish error. */
  retryInMs?: number;
}

export class OutboxPublisher {
  private readonly maxInFlight: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pollIntervalMs: number;
  private readonly inFlight = new Map<string, OutboxMessage>();
  /** Seq of the last message handed to the link on this connection; the next read starts after it. */
  private lastSentSeq = 0;
  /** Highest seq ever handed to the link in this run, to count resends. */
  private highestSentSeq = 0;
  /** Bumped on every disconnect, error and stop: settlements of an older round change nothing else. */
  private round = 0;
  private running = false;
  private draining = false;
  private kickQueued = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryAt: number | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private unsubscribe: (() => void) | undefined;
  private counts = { published: 0, resent: 0, failures: 0, consecutiveErrors: 0 };
  private readonly resender: UnackedResender | null;

  constructor(private readonly options: OutboxPublisherOptions) {
    this.maxInFlight = options.maxInFlight ?? 16;
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1)
      throw new RangeError(`maxInFlight must be a positive integer, got ${this.maxInFlight}`);
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 5000;
    this.resender = options.resend
      ? new UnackedResender(options.resend, {
          link: options.link,
          logger: options.logger,
          clock: options.clock,
          onResent: () => this.counts.resent++,
        })
      : null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.link.onStatus((status) => this.onStatus(status));
    this.pollTimer = setInterval(() => {
      this.pump();
      if (this.running) this.resender?.resendDue();
    }, this.pollIntervalMs);
    this.pump();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.pollTimer);
    this.resetRound();
    this.resender?.clear();
  }

  /** Call after an enqueue has committed (or inside its transaction: the read waits for a microtask). */
  kick(): void {
    if (this.kickQueued) return;
    this.kickQueued = true;
    queueMicrotask(() => {
      this.kickQueued = false;
      this.pump();
    });
  }

  stats(): OutboxPublisherStats {
    const stats: OutboxPublisherStats = {
      ...this.counts,
      inFlight: this.inFlight.size,
      pending: this.options.outbox.pendingCount(),
    };
    if (this.retryAt !== undefined)
      stats.retryInMs = Math.max(0, this.retryAt - this.options.clock.monotonic());
    return stats;
  }

  private onStatus(status: DispatchLinkStatus): void {
    if (status.state === "connected") {
      this.pump();
      return;
    }
    // Nothing in flight will get its PUBACK on this connection: forget it, the outbox still has it.
    if (this.inFlight.size > 0)
      this.options.logger.info(
        { inFlight: this.inFlight.size, state: status.state },
        "dispatch link down: unacknowledged messages will be resent on reconnect",
      );
    this.resetRound();
    this.counts.consecutiveErrors = 0;
  }

  private resetRound(): void {
    this.round++;
    this.inFlight.clear();
    this.lastSentSeq = 0;
    this.draining = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryAt = undefined;
  }

  private pump(): void {
    if (!this.running || this.draining || this.retryTimer !== undefined) return;
    const { outbox, link, logger } = this.options;
    while (this.inFlight.size < this.maxInFlight && link.isConnected()) {
      let batch: OutboxMessage[];
      try {
        batch = outbox.pending(this.maxInFlight - this.inFlight.size, this.lastSentSeq);
      } catch (error) {
        logger.error({ err: error }, "could not read the outbox");
        this.scheduleRetry();
        return;
      }
      if (batch.length === 0) return;
      for (const message of batch) this.send(message);
    }
  }

  private send(message: OutboxMessage): void {
    const round = this.round;
    this.inFlight.set(message.id, message);
    this.lastSentSeq = message.seq;
    if (message.seq <= this.highestSentSeq) this.counts.resent++;
    else this.highestSentSeq = message.seq;
    let sent: Promise<void>;
    try {
      sent = this.options.link.publish(message.suffix, message.payload, {
        qos: message.qos,
        retain: message.retain,
      });
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      () => this.onPuback(message, round),
      (error: unknown) => this.onFailure(message, round, error),
    );
  }

  private onPuback(message: OutboxMessage, round: number): void {
    // Even from an older round, a PUBACK means the broker has it: take it out of the outbox.
    try {
      this.options.outbox.markPublished(message.id, this.options.clock.now());
      this.counts.published++;
      this.resender?.keep(message);
    } catch (error) {
      // It stays in the outbox and goes out again later: a duplicate that dispatch de-duplicates.
      this.options.logger.error({ err: error, id: message.id }, "could not mark a message published");
    }
    if (round !== this.round) return;
    this.inFlight.delete(message.id);
    // While draining after an error, a PUBACK for something sent before it proves nothing yet.
    if (!this.draining) this.counts.consecutiveErrors = 0;
    this.settled();
  }

  private onFailure(message: OutboxMessage, round: number, error: unknown): void {
    this.counts.failures++;
    if (round !== this.round) return;
    this.inFlight.delete(message.id);
    if (!this.options.link.isConnected()) {
      // A disconnect: onStatus resets the round, and the connect that follows restarts the loop.
      return;
    }
    if (!this.draining) {
      this.counts.consecutiveErrors++;
      this.draining = true;
      this.options.logger.warn(
        { err: error, id: message.id, seq: message.seq, consecutiveErrors: this.counts.consecutiveErrors },
        "publish failed: retrying from the oldest unacknowledged message after a backoff",
      );
    }
    this.settled();
  }

  /** After each settlement: keep the pipeline full, or once drained after an error, back off. */
  private settled(): void {
    if (!this.draining) {
      this.pump();
      return;
    }
    if (this.inFlight.size > 0) return;
    this.draining = false;
    this.lastSentSeq = 0;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const exponent = Math.max(0, this.counts.consecutiveErrors - 1);
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** exponent);
    this.retryAt = this.options.clock.monotonic() + delay;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retryAt = undefined;
      this.pump();
    }, delay);
  }
}
