/**
 * Composition root of the terminal core: builds everything from the config, starts it in order and
 * stops it in reverse order. Features are added here as the issues land (dispatch link, missions,
 * equipment, UI server); each one is a small unit with start/stop, so that one failing never stops
 * the others.
 */
import { join } from "node:path";
import type { Config } from "../contracts/config.ts";
import type { VehicleProfile } from "../contracts/vehicle-profile.ts";
import { GnssPipeline } from "../io/gnss/gnss-pipeline.ts";
import { SerialLineSource } from "../io/serial-line-source.ts";
import { GpsTracker } from "../services/gps-tracker.ts";
import type { Clock, LineSource, Logger } from "../services/ports.ts";
import { openDatabase } from "../store/database.ts";
import { inboxMigrations } from "../store/inbox-migrations.ts";
import { outboxMigrations } from "../store/outbox-migrations.ts";
import { trackMigrations } from "../store/track-migrations.ts";
import { TrackRepository } from "../store/track-repository.ts";
import { DispatchConnection } from "./dispatch-connection.ts";
import { resolveSerialPorts } from "./profile-loader.ts";

export interface CoreContext {
  config: Config;
  profile: VehicleProfile;
  logger: Logger;
  clock: Clock;
  /** Replaces the GNSS serial port (capture replay, tests). */
  gnssSource?: LineSource;
}

/**
 * Two-digit NMEA years and GPS week roll-overs are resolved against a reference date. The car's
 * clock may be years off when its RTC battery dies, so the reference is never earlier than this
 * release: a date before it is impossible for a fix this software receives.
 */
const releaseDate = "2026-11-01";

export function referenceDateFor(clock: Clock): string {
  const today = new Date(clock.now()).toISOString().slice(0, 10);
  return today > releaseDate ? today : releaseDate;
}

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

export class Core {
  readonly tracker: GpsTracker;
  readonly track: TrackRepository;
  readonly dispatch: DispatchConnection;
  private readonly database: ReturnType<typeof openDatabase>;
  private retentionTimer: NodeJS.Timeout | null = null;

  constructor(private readonly ctx: CoreContext) {
    const { config, logger } = ctx;
    // FULL: the track and, later, the outbox and mission state must survive a power cut.
    this.database = openDatabase({
      path: join(config.dataDir, "core.sqlite"),
      synchronous: "FULL",
      logger,
      migrations: [...trackMigrations, ...outboxMigrations, ...inboxMigrations],
    });
    if (this.database.recoveredFromCorruption) {
      logger.error(
        { copy: this.database.corruptCopyPath },
        "the database was corrupt: kept a copy, started afresh",
      );
    }
    this.track = new TrackRepository(this.database.db);
    const ports = resolveSerialPorts(config, ctx.profile);
    const source =
      ctx.gnssSource ??
      new SerialLineSource({
        path: ports.gnss.port,
        baudRate: ports.gnss.baudRate,
        logger: logger.child({ part: "gnss" }),
      });
    this.tracker = new GpsTracker({
      source,
      decoder: new GnssPipeline({ referenceDate: referenceDateFor(ctx.clock) }),
      track: this.track,
      clock: ctx.clock,
      logger: logger.child({ part: "gps-tracker" }),
    });
    this.dispatch = new DispatchConnection({
      config,
      db: this.database.db,
      track: this.track,
      fixes: this.tracker,
      clock: ctx.clock,
      logger,
    });
  }

  start(): void {
    this.dispatch.start();
    this.tracker.start();
    this.applyRetention();
    this.retentionTimer = setInterval(() => this.applyRetention(), hourMs);
    this.retentionTimer.unref();
    this.ctx.logger.info({ vehicle: this.ctx.config.vehicle }, "core started");
  }

  async stop(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.dispatch.stop();
    await this.tracker.stop();
    this.database.db.close();
    this.ctx.logger.info("core stopped");
  }

  private applyRetention(): void {
    try {
      const cutoff = this.ctx.clock.now() - this.ctx.config.positions.retentionDays * dayMs;
      const deleted = this.track.pruneOlderThan(cutoff);
      if (deleted > 0) this.ctx.logger.info({ deleted }, "pruned old track points");
      this.dispatch.prune();
    } catch (error) {
      this.ctx.logger.error({ err: error }, "retention failed; will retry in an hour");
    }
  }
}
