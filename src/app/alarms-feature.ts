/**
 * Composition unit of the alarms (issue 4): builds the AlarmService from the core's database, outbox
 * and track, with the timings and the cancel PIN of the config. The outbox, unit of work and delivery
 * log are the dispatch connection's SqliteOutbox, so that alarm events share its transactions and
 * `seq`, and dispatch's `ack` (command inbox) is what acknowledges an alarm.
 */
import type { Database } from "better-sqlite3";
import type { z } from "zod";
import { type AlarmsConfig, alarmsConfigSchema } from "../contracts/config.ts";
import type { StatusKey } from "../domain/radio-status.ts";
import { AlarmService, type AlarmTimings } from "../services/alarm-service.ts";
import type { AlarmTimers } from "../services/alarm-timer.ts";
import type { DeliveryLog, Outbox, UnitOfWork } from "../services/outbox.ts";
import { HashedPinVerifier, noPinConfigured } from "../services/pin-verifier.ts";
import type { Clock, Logger } from "../services/ports.ts";
import type { TrackStore } from "../services/track-store.ts";
import { SqliteAlarmStore } from "../store/alarm-repository.ts";
import { ScryptPinHasher } from "../store/scrypt-pin-hasher.ts";
import { kickingOutbox } from "./kicking-outbox.ts";

export interface AlarmsFeatureContext {
  /** Opened with migrations including alarmMigrations (version 6). */
  db: Database;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  deliveries: DeliveryLog;
  track: Pick<TrackStore, "latest">;
  clock: Clock;
  logger: Logger;
  /** The core's `Config` fits; so does a partial `alarms` section (defaults fill the rest). */
  config: { alarms?: z.input<typeof alarmsConfigSchema> | undefined };
  /** Replaces the config's timings (tests with short timers). */
  timings?: Partial<AlarmTimings>;
  timers?: AlarmTimers;
  /** Called after each enqueue: the outbox publisher's `kick`, so that an alarm goes out at once. */
  onEnqueued?: () => void;
  /** How often dispatch's acks are looked up for the UI between repeats (default 1 s). */
  ackPollMs?: number;
}

export function alarmTimings(config: AlarmsConfig): AlarmTimings {
  return {
    repeatMs: config.panicRepeatSeconds * 1000,
    loneWorkerMs: config.loneWorkerMinutes * 60_000,
    extendMs: config.extendMinutes * 60_000,
    preAlarmMs: config.preAlarmSeconds * 1000,
  };
}

export class AlarmsFeature {
  readonly service: AlarmService;
  private ackPoll: ReturnType<typeof setInterval> | null = null;

  private readonly logger: Logger;

  constructor(private readonly ctx: AlarmsFeatureContext) {
    // Parsed again: a hand-built context (tests, tools) gets the defaults of the fields it left out.
    const config = alarmsConfigSchema.parse(ctx.config.alarms ?? {});
    const logger = ctx.logger.child({ part: "alarms" });
    this.logger = logger;
    if (config.cancelPinHash === undefined)
      logger.warn(
        "alarms.cancelPinHash is not configured: alarms can be cancelled without a PIN " +
          "(set one with `sosm pin hash`)",
      );
    this.service = new AlarmService({
      store: new SqliteAlarmStore(ctx.db),
      outbox: kickingOutbox(ctx.outbox, ctx.onEnqueued),
      unitOfWork: ctx.unitOfWork,
      deliveries: ctx.deliveries,
      track: ctx.track,
      pins:
        config.cancelPinHash === undefined
          ? noPinConfigured
          : new HashedPinVerifier(config.cancelPinHash, new ScryptPinHasher()),
      clock: ctx.clock,
      logger,
      timings: { ...alarmTimings(config), ...ctx.timings },
      ...(ctx.timers ? { timers: ctx.timers } : {}),
    });
  }

  start(): void {
    this.service.start();
    // The repeats stop on their own at the next repeat; this only shows "received" sooner.
    this.ackPoll ??= setInterval(() => {
      try {
        this.service.refreshAcknowledgements();
      } catch (error) {
        this.logger.error({ err: error }, "reading dispatch's acks failed; will retry");
      }
    }, this.ctx.ackPollMs ?? 1000);
  }

  stop(): void {
    if (this.ackPoll !== null) clearInterval(this.ackPoll);
    this.ackPoll = null;
    this.service.stop();
  }

  /** The status feed: `missions.onStatusChange((key, _missionId, at) => alarms.onStatusChange(key, at))`. */
  onStatusChange(key: StatusKey, at: number): void {
    this.service.onStatusChange(key, at);
  }
}
