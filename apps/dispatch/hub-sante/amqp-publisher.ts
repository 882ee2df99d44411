/**
 * Publishes the Hub Santé outbox to RabbitMQ (AMQP 0-9-1, amqplib) with publisher confirms.
 *
 * - A confirm channel; each row goes out `persistent` (delivery mode 2: RabbitMQ writes it to disk
 *   before it confirms, for a durable queue) and `mandatory`, with `messageId` = its distribution id.
 * - A row is deleted only after its confirm (`basic.ack`). A `basic.nack`, or a `basic.return`
 *   (mandatory, and no queue is bound for the routing key: RabbitMQ returns it, then acks it), keeps
 *   the row and sends it again after a delay growing ×2 up to `maxBackoffMs`.
 * - Up to `window` rows are in flight; `publish` returning false (socket buffer full) waits for
 *   `drain`. Deletes of confirmed rows are batched (one transaction per turn of the event loop).
 * - A lost connection or channel (broker restart, network, a missing exchange closing the channel)
 *   forgets what was in flight and reconnects after a delay growing ×1.5 up to `maxBackoffMs`
 *   (10 s: an outage of the Hub is noticed late by SAMU already, the backlog must not wait more);
 *   then every row still in the outbox goes out again, oldest first, with the same distribution id.
 *   The receiver de-duplicates on it (at-least-once delivery + id de-duplication:
 *   docs/interop/hub-sante.md "Delivery guarantees").
 * - A row whose `dateTimeExpires` has passed is dropped instead of published, with a warning.
 */
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from "amqplib";
import type { Clock, Logger } from "../../../src/services/ports.ts";
import type { HubOutboxRow } from "../../../src/store/hub-outbox-repository.ts";
import { socketOptions, withHeartbeat, withTimeout } from "./amqp-link-options.ts";
import type { HubSanteConfig } from "./hub-sante-config.ts";

export interface OutboxSource {
  pendingAfter(afterId: number, limit: number): HubOutboxRow[];
  byId(id: number): HubOutboxRow | null;
  remove(ids: readonly number[]): void;
}

export interface AmqpPublisherOptions {
  config: HubSanteConfig;
  source: OutboxSource;
  clock: Clock;
  logger: Logger;
  /** Rows in flight at most (default 256). */
  window?: number;
  /** First reconnect / retry delay (default 500 ms). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export type LinkState = "connecting" | "connected" | "waiting" | "stopped";

export interface PublisherStats {
  state: LinkState;
  confirmed: number;
  returned: number;
  nacked: number;
  expired: number;
  connects: number;
  inFlight: number;
  lastError: string | null;
}

interface Link {
  connection: ChannelModel;
  channel: ConfirmChannel;
  generation: number;
}

export class AmqpOutboxPublisher {
  private link: Link | null = null;
  private generation = 0;
  private state: LinkState = "stopped";
  private stopping = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectAttempts = 0;
  /** Highest row id put on the current channel. */
  private cursor = 0;
  private readonly inFlight = new Set<number>();
  /** Rows to send again on the current channel: id → when, and how many tries so far. */
  private readonly retries = new Map<number, { at: number; tries: number }>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimerAt = 0;
  private readonly returnedIds = new Set<string>();
  private readonly confirmedIds: number[] = [];
  private flushScheduled = false;
  private waitingForDrain = false;
  private readonly window: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly counters = { confirmed: 0, returned: 0, nacked: 0, expired: 0, connects: 0 };
  private lastError: string | null = null;

  constructor(private readonly options: AmqpPublisherOptions) {
    this.window = options.window ?? 256;
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  start(): void {
    this.stopping = false;
    void this.connect();
  }

  /** New rows were committed: put them on the wire if the link is up. */
  kick(): void {
    this.fill();
  }

  stats(): PublisherStats {
    return { state: this.state, ...this.counters, inFlight: this.inFlight.size, lastError: this.lastError };
  }

  /** Waits (at most `graceMs`) for the confirms in flight, so a clean stop sends nothing twice. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    this.state = "stopped";
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const link = this.link;
    this.link = null;
    if (link !== null) {
      await withTimeout(link.channel.waitForConfirms(), graceMs).catch(() => undefined);
      this.flush();
      // A broker that stopped answering must not hold dispatch's shutdown.
      await withTimeout(link.connection.close(), graceMs).catch(() => undefined);
    }
    this.flush();
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    this.state = "connecting";
    const { config, logger } = this.options;
    let connection: ChannelModel | null = null;
    try {
      connection = await amqp.connect(withHeartbeat(config.amqpUrl), socketOptions(config));
      // An `error` with no listener would throw out of the process; until the real listeners are
      // on, a failure shows as createConfirmChannel rejecting, and the catch below reconnects.
      connection.on("error", () => undefined);
      const channel = await connection.createConfirmChannel();
      if (this.stopping) {
        await connection.close().catch(() => undefined);
        return;
      }
      const generation = ++this.generation;
      const link: Link = { connection, channel, generation };
      connection.on("error", (err: unknown) => this.lost(generation, err));
      connection.on("close", () => this.lost(generation, new Error("connection closed")));
      connection.on("blocked", (reason: unknown) =>
        logger.warn({ reason }, "hub santé: RabbitMQ blocks publishing (resource alarm)"),
      );
      channel.on("error", (err: unknown) => this.lost(generation, err));
      channel.on("close", () => this.lost(generation, new Error("channel closed")));
      channel.on("return", (message: ConsumeMessage) => this.returned(generation, message));
      channel.on("drain", () => {
        this.waitingForDrain = false;
        this.fill();
      });
      this.link = link;
      this.cursor = 0;
      this.inFlight.clear();
      this.retries.clear();
      this.returnedIds.clear();
      this.waitingForDrain = false;
      this.reconnectAttempts = 0;
      this.state = "connected";
      this.counters.connects++;
      logger.info({ exchange: config.exchange }, "hub santé: connected to RabbitMQ");
      this.fill();
    } catch (error) {
      await connection?.close().catch(() => undefined);
      this.scheduleReconnect(error);
    }
  }

  private lost(generation: number, error: unknown): void {
    if (generation !== this.generation || this.link === null) return;
    const link = this.link;
    this.link = null;
    // The rows in flight stay in the outbox: the next connection sends them again, same ids.
    this.inFlight.clear();
    this.retries.clear();
    void link.connection.close().catch(() => undefined);
    this.scheduleReconnect(error);
  }

  private scheduleReconnect(error: unknown): void {
    if (this.stopping) return;
    this.lastError = error instanceof Error ? error.message : String(error);
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 1.5 ** this.reconnectAttempts++);
    this.state = "waiting";
    this.options.logger.warn(
      { err: this.lastError, retryInMs: Math.round(delay) },
      "hub santé: RabbitMQ unreachable; messages stay in the outbox",
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
  }

  private fill(): void {
    const link = this.link;
    if (link === null || this.waitingForDrain || this.stopping) return;
    const now = this.options.clock.now();
    const expired: number[] = [];
    const rows: HubOutboxRow[] = [];
    for (const [id, retry] of this.retries) {
      if (retry.at > now || this.inFlight.size + rows.length >= this.window) continue;
      const row = this.options.source.byId(id);
      if (row === null) this.retries.delete(id);
      else rows.push(row);
    }
    const room = this.window - this.inFlight.size - rows.length;
    if (room > 0)
      for (const row of this.options.source.pendingAfter(this.cursor, room))
        if (!this.retries.has(row.id)) rows.push(row);
    for (const row of rows) {
      // The cursor moves with each row handled, never past one left for after the `drain`.
      if (row.id > this.cursor) this.cursor = row.id;
      if (row.expiresAt <= now) {
        expired.push(row.id);
        this.retries.delete(row.id);
        continue;
      }
      // False: this one went into the buffer, the next ones wait for `drain`.
      if (!this.publish(link, row)) break;
    }
    if (expired.length > 0) {
      this.options.source.remove(expired);
      this.counters.expired += expired.length;
      this.options.logger.warn({ count: expired.length }, "hub santé: expired messages dropped unsent");
      this.fill();
    }
  }

  /** False when the socket buffer is full: the caller stops until `drain`. */
  private publish(link: Link, row: HubOutboxRow): boolean {
    const { config } = this.options;
    this.inFlight.add(row.id);
    const retry = this.retries.get(row.id);
    this.retries.delete(row.id);
    const written = link.channel.publish(
      config.exchange,
      config.routingKey ?? config.senderId,
      Buffer.from(row.payload, "utf8"),
      {
        persistent: true,
        mandatory: true,
        contentType: "application/json",
        contentEncoding: "utf-8",
        messageId: row.distributionId,
        timestamp: Math.floor(row.createdAt / 1000),
        type: row.kind,
      },
      (err: unknown) => this.confirmed(link.generation, row, err, retry?.tries ?? 0),
    );
    if (!written) this.waitingForDrain = true;
    return written;
  }

  private returned(generation: number, message: ConsumeMessage): void {
    if (generation !== this.generation) return;
    const id = message.properties.messageId as unknown;
    if (typeof id === "string") this.returnedIds.add(id);
  }

  private confirmed(generation: number, row: HubOutboxRow, err: unknown, tries: number): void {
    // A confirm from a channel that is gone: the row is still in the outbox and goes again.
    if (generation !== this.generation) return;
    this.inFlight.delete(row.id);
    const wasReturned = this.returnedIds.delete(row.distributionId);
    if (err === null && !wasReturned) {
      this.confirmedIds.push(row.id);
      // While stopping, stop() flushes once the last confirms are in.
      if (!this.stopping) this.scheduleFlush();
      this.fill();
      return;
    }
    // amqplib fails every pending confirm with "channel closed" before the channel's `close` event:
    // that is the link going down (lost() resends everything), not a refusal of this message.
    if (this.stopping || (err instanceof Error && err.message === "channel closed")) return;
    if (wasReturned) this.counters.returned++;
    else this.counters.nacked++;
    const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** tries);
    this.retries.set(row.id, { at: this.options.clock.now() + delay, tries: tries + 1 });
    this.options.logger.warn(
      {
        distributionId: row.distributionId,
        reason: wasReturned ? "unroutable: no queue is bound for the routing key" : String(err),
        retryInMs: delay,
      },
      "hub santé: message not accepted by RabbitMQ; kept for a retry",
    );
    this.scheduleRetry(delay);
    this.fill();
  }

  private scheduleRetry(delay: number): void {
    const at = this.options.clock.now() + delay;
    if (this.retryTimer !== null && this.retryTimerAt <= at) return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimerAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopping) return;
      this.fill();
      const next = Math.min(...[...this.retries.values()].map((r) => r.at));
      if (Number.isFinite(next)) this.scheduleRetry(Math.max(0, next - this.options.clock.now()));
    }, delay);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.confirmedIds.length === 0) return;
    const ids = this.confirmedIds.splice(0);
    try {
      this.options.source.remove(ids);
      this.counters.confirmed += ids.length;
    } catch (error) {
      // The rows stay and go out again (same ids): a duplicate, never a loss.
      this.options.logger.error({ err: error }, "hub santé: could not delete confirmed rows");
    }
  }
}
