/**
 * Builds the car's side of the dispatch link: the MQTT transport, the durable outbox and its
 * publisher, the command inbox, and the telemetry reporter, wired in the order that loses nothing
 * (every listener attached before the connection starts: PITFALLS.md, mqtt.js).
 */
import type { Database } from "better-sqlite3";
import type { Config } from "../contracts/config.ts";
import type { MovingProfile } from "../domain/reporting-policy.ts";
import { CommandInbox } from "../services/command-inbox.ts";
import type { DispatchLink } from "../services/dispatch-link.ts";
import { OutboxPublisher } from "../services/outbox-publisher.ts";
import type { Clock, Logger } from "../services/ports.ts";
import { type FixFeed, TelemetryReporter } from "../services/telemetry-reporter.ts";
import type { TrackStore } from "../services/track-store.ts";
import { SqliteInbox } from "../store/inbox-repository.ts";
import { SqliteOutbox } from "../store/outbox-repository.ts";
import { MqttDispatchLink } from "../transport/mqtt-dispatch-link.ts";

export const appVersion = "0.1.0";

export interface DispatchConnectionContext {
  config: Config;
  db: Database;
  track: TrackStore;
  fixes: FixFeed;
  clock: Clock;
  logger: Logger;
  /** "mission" while a mission is open: tighter position reporting (the missions feature says). */
  profile?: () => MovingProfile;
}

export class DispatchConnection {
  readonly link: DispatchLink;
  readonly outbox: SqliteOutbox;
  readonly inbox: CommandInbox;
  readonly publisher: OutboxPublisher;
  readonly reporter: TelemetryReporter;
  private readonly dedupe: SqliteInbox;
  private detachInbox: (() => void) | null = null;
  /** Features that answer `status.request` by queueing their state again (equipment; status later). */
  private readonly statusRequestAnswers = new Set<() => void>();

  constructor(ctx: DispatchConnectionContext) {
    const { config, clock, logger } = ctx;
    this.link = new MqttDispatchLink({
      fleet: config.fleet,
      vehicle: config.vehicle,
      url: config.mqtt.url,
      ...(config.mqtt.username ? { username: config.mqtt.username } : {}),
      ...(config.mqtt.password ? { password: config.mqtt.password } : {}),
      ...(config.mqtt.tls ? { tls: config.mqtt.tls } : {}),
      keepaliveSeconds: config.mqtt.keepaliveSeconds,
      protocolVersion: config.mqtt.protocolVersion,
      backoff: { maxMs: config.mqtt.reconnectMaxSeconds * 1000 },
      logger: logger.child({ part: "mqtt" }),
      clock,
      appVersion,
    });
    this.outbox = new SqliteOutbox({ db: ctx.db, vehicle: config.vehicle, now: clock.now });
    this.dedupe = new SqliteInbox(ctx.db, clock.now);
    this.publisher = new OutboxPublisher({
      outbox: this.outbox,
      link: this.link,
      logger: logger.child({ part: "outbox" }),
      clock,
      // Until dispatch's own ack: a PUBACK only means the broker has it (test/reliability/chaos).
      resend: { deliveries: this.outbox, store: this.outbox },
    });
    this.reporter = new TelemetryReporter({
      vehicle: config.vehicle,
      link: this.link,
      track: ctx.track,
      fixes: ctx.fixes,
      clock,
      logger: logger.child({ part: "telemetry" }),
      // Dead-connection detection takes up to 1.5 × keepalive: count live fixes as seen after twice that.
      coverageGraceMs: 2 * config.mqtt.keepaliveSeconds * 1000 + 10_000,
      // Time for dispatch to subscribe again after a broker restart, before the track goes out.
      backfillDelayMs: 5000,
      ...(ctx.profile ? { profile: ctx.profile } : {}),
    });
    this.inbox = new CommandInbox({
      fleet: config.fleet,
      vehicle: config.vehicle,
      outbox: this.outbox,
      deliveries: this.outbox,
      unitOfWork: this.outbox,
      dedupe: this.dedupe,
      logger: logger.child({ part: "inbox" }),
      clock,
      onEnqueued: () => this.publisher.kick(),
    });
    // PROTOCOL.md: the car answers by re-publishing its status, position and equipment. The position
    // goes out after the command's transaction; the others (equipment, status) queue theirs inside it.
    this.inbox.register("status.request", () => {
      for (const answer of this.statusRequestAnswers) {
        try {
          answer();
        } catch (err) {
          logger.error({ err }, "a status.request answer failed");
        }
      }
      queueMicrotask(() => {
        void this.reporter.republishPosition().catch(() => {});
      });
    });
  }

  start(): void {
    this.detachInbox = this.inbox.attach(this.link);
    this.reporter.start();
    this.publisher.start();
    this.link.start();
  }

  async stop(): Promise<void> {
    // The link first: it publishes `offline` while the outbox and reporter are still whole.
    await this.link.stop();
    this.publisher.stop();
    await this.reporter.stop();
    this.detachInbox?.();
  }

  /** Adds an answer to `status.request`; it runs inside the command's transaction. */
  onStatusRequest(answer: () => void): () => void {
    this.statusRequestAnswers.add(answer);
    return () => this.statusRequestAnswers.delete(answer);
  }

  /** Daily housekeeping: delivery states and remembered command ids have a retention. */
  prune(): void {
    this.outbox.pruneExpiredDeliveries();
    this.inbox.pruneSeen();
  }
}
