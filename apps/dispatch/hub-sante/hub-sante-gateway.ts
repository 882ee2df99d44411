/**
 * The Hub Santé gateway inside dispatch (issue 8, docs/interop/hub-sante.md): statuses and positions
 * dispatch committed → RS-SR and GEO-POS in EDXL-DE → RabbitMQ with publisher confirms.
 *
 *   received (status) ──trigger──▶ hub_feed ──translator──▶ hub_outbox ──publisher──▶ RabbitMQ
 *   cars.position_json ─────────────────────┘  (one transaction)      (deleted on confirm)
 *
 * A pass runs after each ingest commit (`kick`) and at least every second; GEO-POS are looked at
 * once a second at most. The gateway turns the feed on when it starts (hub_state.enabled).
 */
import type { Database } from "better-sqlite3";
import type { Clock, Logger } from "../../../src/services/ports.ts";
import { HubOutboxRepository } from "../../../src/store/hub-outbox-repository.ts";
import { AmqpOutboxPublisher, type PublisherStats } from "./amqp-publisher.ts";
import { type HubSanteConfig, type HubSanteConfigInput, parseHubSanteConfig } from "./hub-sante-config.ts";
import { HubSanteTranslator } from "./hub-sante-translator.ts";

export interface HubSanteGatewayContext {
  db: Database;
  config: HubSanteConfigInput;
  clock: Clock;
  logger: Logger;
  /** Safety pass interval (default 1 s). */
  pollMs?: number;
  /** Tests: deterministic distribution ids. */
  newUuid?: () => string;
  /** Rows in flight at most (default 256). */
  publishWindow?: number;
}

export interface HubSanteStats extends PublisherStats {
  /** Rows waiting for RabbitMQ's confirm. */
  pending: number;
  /** Statuses committed by dispatch and not mapped yet (the reorder window holds them ~1 s). */
  unmapped: number;
  rsSrCreated: number;
  geoPosCreated: number;
}

const geoScanMs = 1000;

export class HubSanteGateway {
  readonly config: HubSanteConfig;
  private readonly repo: HubOutboxRepository;
  private readonly translator: HubSanteTranslator;
  private readonly publisher: AmqpOutboxPublisher;
  private readonly timer: ReturnType<typeof setInterval>;
  private scheduled = false;
  private dueTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private lastGeoScan = Number.NEGATIVE_INFINITY;
  private created = { rsSr: 0, geoPos: 0 };

  private constructor(private readonly ctx: HubSanteGatewayContext) {
    this.config = parseHubSanteConfig(ctx.config);
    this.repo = new HubOutboxRepository(ctx.db);
    this.repo.setEnabled(true);
    this.translator = new HubSanteTranslator({
      repo: this.repo,
      config: this.config,
      logger: ctx.logger,
      ...(ctx.newUuid ? { newUuid: ctx.newUuid } : {}),
    });
    this.publisher = new AmqpOutboxPublisher({
      config: this.config,
      source: this.repo,
      clock: ctx.clock,
      logger: ctx.logger,
      ...(ctx.publishWindow === undefined ? {} : { window: ctx.publishWindow }),
    });
    this.timer = setInterval(() => this.pass(), ctx.pollMs ?? 1000);
  }

  static start(ctx: HubSanteGatewayContext): HubSanteGateway {
    const gateway = new HubSanteGateway(ctx);
    gateway.publisher.start();
    gateway.kick();
    ctx.logger.info(
      {
        sender: gateway.config.senderId,
        recipient: gateway.config.recipientId,
        exchange: gateway.config.exchange,
      },
      "hub santé gateway started",
    );
    return gateway;
  }

  /** Something was committed: translate soon (coalesced), after the committing code has returned. */
  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pass();
    });
  }

  stats(): HubSanteStats {
    return {
      ...this.publisher.stats(),
      pending: this.repo.pendingCount(),
      unmapped: this.repo.feedCount(),
      rsSrCreated: this.created.rsSr,
      geoPosCreated: this.created.geoPos,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.dueTimer) clearTimeout(this.dueTimer);
    await this.publisher.stop();
  }

  private pass(): void {
    if (this.stopped) return;
    try {
      const now = this.ctx.clock.now();
      // The clock going back must not stop GEO-POS until it catches up.
      const geo = now - this.lastGeoScan >= geoScanMs || now < this.lastGeoScan;
      if (geo) this.lastGeoScan = now;
      const result = this.translator.run(now, geo);
      this.created.rsSr += result.rsSr;
      this.created.geoPos += result.geoPos;
      // Every pass, not only after new rows: a retry or a stalled window never waits for traffic.
      this.publisher.kick();
      if (result.more) this.kick();
      else if (result.nextDueAt !== null && this.dueTimer === null)
        // Statuses held back for their burst: play them as soon as they are due.
        this.dueTimer = setTimeout(
          () => {
            this.dueTimer = null;
            this.pass();
          },
          Math.max(0, result.nextDueAt - now) + 5,
        );
    } catch (error) {
      // SQLITE_BUSY from another instance, say: the feed is still there for the next pass.
      this.ctx.logger.error({ err: error }, "hub santé: translation pass failed; retrying");
    }
  }
}
