/**
 * Composition of doctors' shifts (issue 10): the roster and PINs, the shift service, the `roster`
 * command handler (registered at construction, before the link starts: PITFALLS.md, mqtt.js), the
 * availability gate handed to the status board, and the presence re-published on sign-in/out.
 *
 * Wiring in the core (core.ts):
 *   - the missions feature's outbox is `doctorStampingOutbox(...)`, so `status` carries the doctor;
 *   - its readiness policy is "block" because `gatedVerdict` already applied both policies
 *     (src/domain/shifts/shift-gate.ts) — this feature calls `missions.setReadinessProvider`;
 *   - the MQTT link names the doctor in `online` presences (`setPresenceDoctor`).
 */
import type { Database } from "better-sqlite3";
import type { Config } from "../contracts/config.ts";
import type { VehicleProfile } from "../contracts/vehicle-profile.ts";
import type { CommandInbox } from "../services/command-inbox.ts";
import type { ReadinessProvider } from "../services/mission-ports.ts";
import type { Outbox, UnitOfWork } from "../services/outbox.ts";
import type { Clock, Logger } from "../services/ports.ts";
import { type ShiftCsvOptions, shiftHistoryCsv } from "../services/shift-csv.ts";
import { DoctorDirectory } from "../services/shift-doctors.ts";
import { ShiftService } from "../services/shift-service.ts";
import type { DoctorOnShift } from "../services/shift-status-stamp.ts";
import type { ShiftSummarySources } from "../services/shift-summary-source.ts";
import type { CheckRunRecord, HistoryRange } from "../services/technician-checks.ts";
import { ScryptPinHasher } from "../store/scrypt-pin-hasher.ts";
import { SqliteDoctorStore } from "../store/shift-doctor-repository.ts";
import { SqliteShiftAlarmSource, SqliteShiftStore } from "../store/shift-repository.ts";
import type { MissionsFeature } from "./missions-feature.ts";

/** What the transport offers: the doctor in `online` presences, and a re-publish. */
export interface PresencePort {
  setPresenceDoctor(provider: () => DoctorOnShift | null): void;
  republishPresence(): Promise<void>;
}

export interface ShiftsFeatureContext {
  /** Opened with migrations including shiftMigrations (version 7). */
  db: Database;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  inbox: Pick<CommandInbox, "register">;
  clock: Clock;
  logger: Logger;
  config: Pick<Config, "shifts" | "missions">;
  profile: Pick<VehicleProfile, "roster" | "checks">;
  technicianRuns: { history(range?: HistoryRange): CheckRunRecord[] };
  missions: Pick<MissionsFeature, "status" | "desk" | "reports" | "setReadinessProvider">;
  track: ShiftSummarySources["track"];
  /** The equipment monitor's verdict; null without equipment. */
  equipment: ReadinessProvider | null;
  presence?: PresencePort | null;
  /** The outbox publisher's kick. */
  onEnqueued?: () => void;
}

const seedRetryMs = 30_000;

export class ShiftsFeature {
  readonly service: ShiftService;
  readonly doctors: DoctorDirectory;
  private readonly listeners = new Set<() => void>();
  private readonly unregister: Array<() => void> = [];

  constructor(private readonly ctx: ShiftsFeatureContext) {
    const logger = ctx.logger.child({ part: "shifts" });
    const { db, outbox, unitOfWork, clock, config, missions } = ctx;
    this.doctors = new DoctorDirectory({
      store: new SqliteDoctorStore(db),
      unitOfWork,
      pins: new ScryptPinHasher(),
      clock,
      logger,
      allowUnknownByDefault: config.shifts.allowUnknownDoctors,
    });
    this.service = new ShiftService({
      doctors: this.doctors,
      shifts: new SqliteShiftStore(db),
      outbox,
      unitOfWork,
      clock,
      logger,
      checklist: ctx.profile.checks.shiftStart.items,
      technicianRuns: ctx.technicianRuns,
      summarySources: {
        statuses: missions.status,
        missions: missions.desk,
        reports: missions.reports,
        track: ctx.track,
        alarms: new SqliteShiftAlarmSource(db),
      },
      activeMission: () => missions.desk.active(),
      equipment: ctx.equipment ?? { verdict: () => null },
      policies: { equipment: config.missions.readinessPolicy, shiftStart: config.shifts.policy },
      checklistValidHours: config.shifts.checklistValidHours,
      republishStatus: () => {
        missions.status.republish();
      },
      onShiftChange: () => this.changed(),
    });
    this.seedRoster(logger);
    missions.setReadinessProvider(this.service.readinessProvider());
    ctx.presence?.setPresenceDoctor(() => this.service.currentDoctor());
    this.unregister.push(
      ctx.inbox.register("roster", (command) => {
        this.doctors.applyRoster(command.body, "roster");
        queueMicrotask(() => this.notify());
      }),
    );
  }

  /** The shift history as CSV (`sosm shifts export`, the technician's screen). */
  exportCsv(options: ShiftCsvOptions & { from?: number; to?: number } = {}): string {
    const range = {
      ...(options.from === undefined ? {} : { from: options.from }),
      ...(options.to === undefined ? {} : { to: options.to }),
    };
    return shiftHistoryCsv(this.service.history(range), options);
  }

  /** After a sign-in, sign-out, checklist or roster change (for the screen). Errors are isolated. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    for (const unregister of this.unregister.splice(0)) unregister();
  }

  /**
   * The profile's roster is written at every start. On a full disk that write fails, and it used to
   * throw out of the core's constructor: the core could not start until space came back, so no
   * position and no alarm left the car (found by test/reliability/chaos). The stored roster stays in
   * force meanwhile, and the write is tried again every 30 s until it succeeds.
   */
  private seedRoster(logger: Logger): void {
    try {
      this.doctors.seedFromProfile(this.ctx.profile.roster);
    } catch (error) {
      logger.error({ err: error }, "could not apply the profile's roster (disk full?); retrying in 30 s");
      const retry = setTimeout(() => this.seedRoster(logger), seedRetryMs);
      retry.unref();
      this.unregister.push(() => clearTimeout(retry));
    }
  }

  private changed(): void {
    this.ctx.onEnqueued?.();
    void this.ctx.presence?.republishPresence();
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.ctx.logger.error({ err: error }, "shift listener failed");
      }
    }
  }
}
