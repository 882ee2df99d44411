/**
 * Composition of the missions feature (issue 4): repositories on the core's database, the mission
 * desk, status board, crew messages, visit reports and the patient-data purge, and their command
 * handlers in the inbox (registered at construction, so before the link starts: PITFALLS.md, mqtt.js).
 *
 * Two housekeeping loops: dispatch's acks of reports close missions (every `ackPollMs`, 1 s), and the
 * purge runs at start and every `purgeEveryMs` (10 min) — both are cheap indexed queries.
 */
import type { Database } from "better-sqlite3";
import type { Config } from "../contracts/config.ts";
import type { CommandInbox } from "../services/command-inbox.ts";
import { CrewMessages } from "../services/crew-messages.ts";
import { MissionDataPurge } from "../services/mission-data-purge.ts";
import { MissionDesk } from "../services/mission-desk.ts";
import { type ReadinessProvider, unknownReadiness } from "../services/mission-ports.ts";
import { type PositionReader, positionReader } from "../services/mission-position.ts";
import type { DeliveryLog, Outbox, UnitOfWork } from "../services/outbox.ts";
import type { Clock, Logger } from "../services/ports.ts";
import { StatusBoard, type StatusListener } from "../services/status-board.ts";
import type { TrackStore } from "../services/track-store.ts";
import { VisitReports } from "../services/visit-report.ts";
import { SqliteCrewMessageStore } from "../store/mission-message-repository.ts";
import { SqliteVisitReportStore } from "../store/mission-report-repository.ts";
import { SqliteMissionStore } from "../store/mission-repository.ts";
import { SqliteStatusStore } from "../store/mission-status-repository.ts";
import { kickingOutbox } from "./kicking-outbox.ts";

export interface MissionsFeatureContext {
  db: Database;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  deliveries: DeliveryLog;
  inbox: Pick<CommandInbox, "register">;
  track: Pick<TrackStore, "latest">;
  /** The telemetry reporter: a status change sends the next fix at once. */
  reporter?: { statusChanged(): void };
  clock: Clock;
  logger: Logger;
  config: Config["missions"];
  /** The equipment readiness; unknown until the equipment monitor is wired (setReadinessProvider). */
  readiness?: ReadinessProvider;
  /** Called after each enqueue (the outbox publisher's kick: send at once, not at the next poll). */
  onEnqueued?: () => void;
  ackPollMs?: number;
  purgeEveryMs?: number;
}

export class MissionsFeature {
  readonly desk: MissionDesk;
  readonly status: StatusBoard;
  readonly messages: CrewMessages;
  readonly reports: VisitReports;
  readonly purge: MissionDataPurge;
  /** The newest fix if recent enough, else null (for alarms and the UI). */
  readonly currentPosition: PositionReader;
  private readiness: ReadinessProvider;
  private readonly unregister: Array<() => void> = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly ctx: MissionsFeatureContext) {
    const { db, unitOfWork, deliveries, clock } = ctx;
    const outbox = kickingOutbox(ctx.outbox, ctx.onEnqueued);
    const logger = ctx.logger.child({ part: "missions" });
    this.readiness = ctx.readiness ?? unknownReadiness;
    const missions = new SqliteMissionStore(db, logger);
    this.currentPosition = positionReader(ctx.track, () => clock.now());
    const shared = { outbox, unitOfWork, deliveries, clock, logger };
    this.desk = new MissionDesk({ ...shared, missions, position: this.currentPosition });
    this.status = new StatusBoard({
      ...shared,
      statuses: new SqliteStatusStore(db),
      desk: this.desk,
      position: this.currentPosition,
      readiness: { verdict: () => this.readiness.verdict() },
      readinessPolicy: ctx.config.readinessPolicy,
      ...(ctx.reporter ? { reporter: ctx.reporter } : {}),
    });
    this.messages = new CrewMessages({ ...shared, messages: new SqliteCrewMessageStore(db) });
    this.reports = new VisitReports({
      ...shared,
      reports: new SqliteVisitReportStore(db),
      missions,
      desk: this.desk,
    });
    this.purge = new MissionDataPurge({
      missions,
      unitOfWork,
      clock,
      logger,
      purgeAfterHours: ctx.config.purgeAfterHours,
    });
    const { inbox } = ctx;
    this.unregister.push(
      inbox.register("mission.assign", (command, context) => this.desk.onAssign(command, context)),
      inbox.register("mission.update", (command, context) => this.desk.onUpdate(command, context)),
      inbox.register("mission.cancel", (command, context) => this.desk.onCancel(command, context)),
      inbox.register("message", (command, context) => this.messages.onMessage(command, context)),
    );
  }

  start(): void {
    this.housekeeping();
    const poll = setInterval(() => this.closeAcknowledged(), this.ctx.ackPollMs ?? 1000);
    const purge = setInterval(() => this.runPurge(), this.ctx.purgeEveryMs ?? 600_000);
    poll.unref();
    purge.unref();
    this.timers = [poll, purge];
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    for (const unregister of this.unregister.splice(0)) unregister();
  }

  /** For the alarms (lone worker starts on on_scene) and the UI. */
  onStatusChange(listener: StatusListener): () => void {
    return this.status.onStatusChange(listener);
  }

  /** `status.request`: re-publish the current status (inside the inbox's transaction). */
  republishStatus(): void {
    this.status.republish();
  }

  /** The equipment monitor's verdict, once it exists (issue 5). */
  setReadinessProvider(provider: ReadinessProvider): void {
    this.readiness = provider;
  }

  private housekeeping(): void {
    this.closeAcknowledged();
    this.runPurge();
  }

  private closeAcknowledged(): void {
    try {
      this.reports.closeAcknowledged();
    } catch (error) {
      this.ctx.logger.error({ err: error }, "could not close acknowledged missions; retrying");
    }
  }

  private runPurge(): void {
    try {
      this.purge.run();
    } catch (error) {
      this.ctx.logger.error({ err: error }, "patient-data purge failed; retrying later");
    }
  }
}
