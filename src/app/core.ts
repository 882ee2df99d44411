/**
 * Composition root of the terminal core: builds everything from the config, starts it in order and
 * stops it in reverse order. Features are added here as the issues land (dispatch link, missions,
 * equipment, UI server); each one is a small unit with start/stop, so that one failing never stops
 * the others.
 */
import { join } from "node:path";
import { EquipmentDriver } from "../../firmware-bridge/src/equipment-driver.ts";
import type { Config } from "../contracts/config.ts";
import type { VehicleProfile } from "../contracts/vehicle-profile.ts";
import { latestOfChecks } from "../domain/equipment/technician-checks.ts";
import { GnssPipeline } from "../io/gnss/gnss-pipeline.ts";
import { SerialLineSource } from "../io/serial-line-source.ts";
import type { AlarmTimings } from "../services/alarm-service.ts";
import { type CheckHistory, EquipmentMonitor } from "../services/equipment-monitor.ts";
import { EquipmentReporter } from "../services/equipment-reporter.ts";
import { GpsTracker } from "../services/gps-tracker.ts";
import type { Clock, LineSource, Logger } from "../services/ports.ts";
import { doctorStampingOutbox } from "../services/shift-status-stamp.ts";
import { TechnicianChecks } from "../services/technician-checks.ts";
import { SqliteCheckRepository } from "../store/check-repository.ts";
import { openDatabase } from "../store/database.ts";
import { ScryptPinHasher } from "../store/scrypt-pin-hasher.ts";
import { SqliteDoctorCheckHistory } from "../store/shift-repository.ts";
import { SpaceReserve } from "../store/space-reserve.ts";
import { TrackRepository } from "../store/track-repository.ts";
import { MqttDispatchLink } from "../transport/mqtt-dispatch-link.ts";
import { AlarmsFeature } from "./alarms-feature.ts";
import { coreMigrations } from "./core-migrations.ts";
import { DispatchConnection } from "./dispatch-connection.ts";
import { KioskServerFeature } from "./kiosk-server-feature.ts";
import { MissionsFeature } from "./missions-feature.ts";
import { resolveSerialPorts, type SerialSettings } from "./profile-loader.ts";
import { ShiftsFeature } from "./shifts-feature.ts";

export interface CoreContext {
  config: Config;
  profile: VehicleProfile;
  logger: Logger;
  clock: Clock;
  /** Replaces the GNSS serial port (capture replay, tests). */
  gnssSource?: LineSource;
  /** Replaces the equipment controller's serial port (tests). */
  equipmentSource?: LineSource;
  /** The technician-check store; default: no check recorded yet. */
  checkHistory?: CheckHistory;
  /** Replaces the configured alarm timings (end-to-end tests of the lone-worker prompt). */
  alarmTimings?: Partial<AlarmTimings>;
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
/** The disk space reserve is taken this long after the start, not during it (space-reserve.ts). */
const reserveDelayMs = 10_000;
const dayMs = 24 * hourMs;

export class Core {
  readonly tracker: GpsTracker;
  readonly track: TrackRepository;
  readonly dispatch: DispatchConnection;
  /** Missions, radio status, messages and visit reports (issue 4). */
  readonly missions: MissionsFeature;
  /** Equipment readiness (issue 5); null when the profile lists no equipment. */
  readonly equipment: EquipmentMonitor | null;
  readonly equipmentDriver: EquipmentDriver | null;
  readonly equipmentReporter: EquipmentReporter | null;
  /** The doctor's screen: loopback API and kiosk.json (issue 6). */
  readonly kiosk: KioskServerFeature;
  /** Technician checks signed with a PIN (issue 5). */
  readonly checks: TechnicianChecks;
  /** Panic and lone-worker alarms (issue 4). */
  readonly alarms: AlarmsFeature;
  /** Doctors' shifts: sign-in, shift-start gate, summary (issue 10). */
  readonly shifts: ShiftsFeature;
  private readonly database: ReturnType<typeof openDatabase>;
  private retentionTimer: NodeJS.Timeout | null = null;
  private readonly spaceReserve: SpaceReserve;
  private reserveTimer: NodeJS.Timeout | null = null;

  constructor(private readonly ctx: CoreContext) {
    const { config, logger } = ctx;
    this.spaceReserve = new SpaceReserve({ dir: config.dataDir, logger: logger.child({ part: "disk" }) });
    // FULL: the track and, later, the outbox and mission state must survive a power cut.
    this.database = openDatabase({
      path: join(config.dataDir, "core.sqlite"),
      synchronous: "FULL",
      logger,
      migrations: [...coreMigrations],
      // A disk that filled up while the core was stopped: give back the reserve to open it.
      onNoSpace: () => this.spaceReserve.release() > 0,
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
      profile: () => this.missions.status.movingProfile(),
    });
    this.checks = new TechnicianChecks({
      checklists: ctx.profile.checks,
      vehicle: config.vehicle,
      store: new SqliteCheckRepository(this.database.db),
      outbox: this.dispatch.outbox,
      unitOfWork: this.dispatch.outbox,
      pins: new ScryptPinHasher(),
      clock: ctx.clock,
      logger: logger.child({ part: "checks" }),
      onEnqueued: () => this.dispatch.publisher.kick(),
    });
    const equipment = this.buildEquipment(ports.equipment);
    this.equipment = equipment?.monitor ?? null;
    this.equipmentDriver = equipment?.driver ?? null;
    this.equipmentReporter = equipment?.reporter ?? null;
    this.missions = new MissionsFeature({
      db: this.database.db,
      // `status` carries the doctor on shift (issue 10); read when each status is enqueued.
      outbox: doctorStampingOutbox(this.dispatch.outbox, () => this.shifts?.service.currentDoctor() ?? null),
      unitOfWork: this.dispatch.outbox,
      deliveries: this.dispatch.outbox,
      inbox: this.dispatch.inbox,
      reporter: this.dispatch.reporter,
      track: this.track,
      clock: ctx.clock,
      logger,
      // "block": the shifts' verdict already applied readinessPolicy and shifts.policy (shift-gate.ts).
      config: { ...config.missions, readinessPolicy: "block" },
      ...(this.equipment ? { readiness: this.equipment } : {}),
      onEnqueued: () => this.dispatch.publisher.kick(),
    });
    this.dispatch.onStatusRequest(() => this.missions.republishStatus());
    this.alarms = new AlarmsFeature({
      db: this.database.db,
      outbox: this.dispatch.outbox,
      unitOfWork: this.dispatch.outbox,
      deliveries: this.dispatch.outbox,
      track: this.track,
      clock: ctx.clock,
      logger,
      config,
      ...(ctx.alarmTimings ? { timings: ctx.alarmTimings } : {}),
      onEnqueued: () => this.dispatch.publisher.kick(),
    });
    // The lone-worker timer follows the doctor's status; `emergency` raises a panic.
    this.missions.onStatusChange((key, _missionId, at) => this.alarms.onStatusChange(key, at));
    this.shifts = new ShiftsFeature({
      db: this.database.db,
      outbox: this.dispatch.outbox,
      unitOfWork: this.dispatch.outbox,
      inbox: this.dispatch.inbox,
      clock: ctx.clock,
      logger,
      config,
      profile: ctx.profile,
      technicianRuns: this.checks,
      missions: this.missions,
      track: this.track,
      equipment: this.equipment,
      presence: this.dispatch.link instanceof MqttDispatchLink ? this.dispatch.link : null,
      onEnqueued: () => this.dispatch.publisher.kick(),
    });
    this.kiosk = new KioskServerFeature({
      config,
      profile: ctx.profile,
      logger,
      clock: ctx.clock,
      tracker: this.tracker,
      dispatch: this.dispatch,
      missions: this.missions,
      equipment: this.equipment,
      alarms: this.alarms.service,
      checks: this.checks,
      shifts: this.shifts,
    });
  }

  /** The controller's line, its driver, the readiness monitor, and its messages to dispatch. */
  private buildEquipment(port: SerialSettings) {
    const { ctx } = this;
    if (ctx.profile.equipment.length === 0 || (port.port === "" && !ctx.equipmentSource)) {
      ctx.logger.info("equipment readiness off: the vehicle profile lists no equipment or no port");
      return null;
    }
    const logger = ctx.logger.child({ part: "equipment" });
    const doctorChecks = new SqliteDoctorCheckHistory(this.database.db);
    const source =
      ctx.equipmentSource ??
      new SerialLineSource({ path: port.port, baudRate: port.baudRate, logger, clock: ctx.clock });
    const driver = new EquipmentDriver({ link: source, logger, clock: ctx.clock });
    const monitor = new EquipmentMonitor({
      feed: driver,
      items: ctx.profile.equipment,
      checks: ctx.profile.checks,
      checkHistory: ctx.checkHistory ?? {
        latestByCheck: () => latestOfChecks(this.checks.latestByCheck(), doctorChecks.latestByCheck()),
      },
      clock: ctx.clock,
      logger,
    });
    const reporter = new EquipmentReporter({
      monitor,
      outbox: this.dispatch.outbox,
      unitOfWork: this.dispatch.outbox,
      clock: ctx.clock,
      logger,
      onEnqueued: () => this.dispatch.publisher.kick(),
    });
    this.dispatch.onStatusRequest(() => reporter.publishNow("status.request"));
    return { driver, monitor, reporter };
  }

  start(): void {
    this.dispatch.start();
    this.tracker.start();
    // Listeners before the line opens, so that the first records are not missed.
    this.equipment?.start();
    this.equipmentReporter?.start();
    this.equipmentDriver?.start();
    this.missions.start();
    this.alarms.start();
    // Last: the screen may show the state as soon as it connects. It listens in the background.
    this.kiosk.start();
    this.applyRetention();
    this.retentionTimer = setInterval(() => {
      this.applyRetention();
      this.spaceReserve.ensure();
    }, hourMs);
    this.retentionTimer.unref();
    // Later than the start, which must be quick; then hourly with the retention.
    this.reserveTimer = setTimeout(() => this.spaceReserve.ensure(), reserveDelayMs);
    this.reserveTimer.unref();
    this.ctx.logger.info({ vehicle: this.ctx.config.vehicle }, "core started");
  }

  async stop(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    if (this.reserveTimer) clearTimeout(this.reserveTimer);
    await this.kiosk.stop();
    await this.equipmentDriver?.stop();
    this.equipmentReporter?.stop();
    this.equipment?.stop();
    this.alarms.stop();
    this.shifts.stop();
    this.missions.stop();
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
