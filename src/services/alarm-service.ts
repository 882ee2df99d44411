/**
 * Panic and lone-worker alarms (issue 4, "Alarms"; DESIGN.md §3 "Lone-worker safety"): drives the
 * pure machines of src/domain/alarms with the clock and ONE timer, persists every state, and sends
 * every `alarm` event through the outbox in the same transaction as the state change that causes it.
 *
 * - Deadlines (next position repeat, lone-worker due time, end of the pre-alarm countdown) are stored
 *   as wall-clock epoch ms, because only the wall clock survives a restart. `start()` re-arms them from
 *   the store; a deadline that passed while the car was off fires at once.
 * - Acknowledgement: dispatch's `ack {ref}` marks an event `received` in the delivery log (command
 *   inbox). Before each position repeat the service reads the delivery states of the alarm's events;
 *   if one is received, the alarm is acknowledged and nothing more is sent. So no repeat ever follows
 *   an ack that arrived before it was due; `refreshAcknowledgements()` updates the UI at once when the
 *   caller knows an ack just came in.
 * - Cancelling needs the PIN when `alarms.cancelPinHash` is configured. Without one, cancelling needs
 *   no PIN and logs a warning: a car must never be unable to stop a false alarm, which would keep a
 *   dispatcher busy and, repeated, teach dispatchers to ignore alarms.
 */

import { newMessageId } from "../contracts/message-id.ts";
import { type Alarm, type AlarmEffect, isOpen, raiseAlarm, stepAlarm } from "../domain/alarms/alarm.ts";
import {
  type LoneWorkerEvent,
  type LoneWorkerState,
  loneWorkerDeadline,
  stepLoneWorker,
} from "../domain/alarms/lone-worker.ts";
import type { StatusKey } from "../domain/radio-status.ts";
import { alarmEvent } from "./alarm-messages.ts";
import type { AlarmStore } from "./alarm-store.ts";
import { type AlarmTimers, DeadlineTimer, globalTimers } from "./alarm-timer.ts";
import {
  type AlarmOverview,
  type AlarmView,
  alarmView,
  type CancelOutcome,
  cancelRefusals,
  type LoneWorkerOutcome,
  loneWorkerView,
} from "./alarm-views.ts";
import type { DeliveryLog, Outbox, UnitOfWork } from "./outbox.ts";
import type { PinVerifier } from "./pin-verifier.ts";
import type { Clock, Logger } from "./ports.ts";
import type { TrackStore } from "./track-store.ts";

export interface AlarmTimings {
  repeatMs: number;
  loneWorkerMs: number;
  extendMs: number;
  preAlarmMs: number;
}

export interface AlarmServiceOptions {
  store: AlarmStore;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  deliveries: DeliveryLog;
  track: Pick<TrackStore, "latest">;
  pins: PinVerifier;
  clock: Clock;
  logger: Logger;
  timings: AlarmTimings;
  timers?: AlarmTimers;
  /** Mints alarm ids (default: a UUIDv7). */
  newAlarmId?: (now: number) => string;
}

export type AlarmListener = (overview: AlarmOverview) => void;

/** After a failed deadline (disk full, locked), try again after this rather than spin. */
const retryMs = 1000;

export class AlarmService {
  private readonly timer: DeadlineTimer;
  private readonly newAlarmId: (now: number) => string;
  private readonly listeners = new Set<AlarmListener>();
  private alarms = new Map<string, Alarm>();
  private loneWorker: LoneWorkerState = { phase: "off" };
  private started = false;

  constructor(private readonly options: AlarmServiceOptions) {
    this.timer = new DeadlineTimer(options.timers ?? globalTimers, () => this.runDue());
    this.newAlarmId = options.newAlarmId ?? ((now) => newMessageId(Math.round(now)));
  }

  /** Loads the stored alarms and timer, and fires what fell due while the car was off. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.alarms = new Map(this.options.store.openAlarms().map((alarm) => [alarm.alarmId, alarm]));
    this.loneWorker = this.options.store.loneWorker();
    if (this.alarms.size > 0 || this.loneWorker.phase !== "off")
      this.options.logger.info(
        { openAlarms: this.alarms.size, loneWorker: this.loneWorker.phase },
        "alarms restored from the store",
      );
    this.runDue();
  }

  stop(): void {
    this.started = false;
    this.timer.disarm();
  }

  /** One action: a panic alarm with the position at once. Pressed again while it repeats: the same one. */
  panic(): AlarmView {
    const repeating = [...this.alarms.values()].find((a) => a.kind === "panic" && a.phase === "raised");
    if (repeating !== undefined) return this.view(repeating);
    const now = this.now();
    const alarm = this.commit(() => this.raise("panic", now));
    this.options.logger.warn({ alarmId: alarm.alarmId }, "panic alarm raised");
    this.changed();
    return this.view(alarm);
  }

  async cancel(alarmId: string, pin?: string): Promise<CancelOutcome> {
    const { pins, logger, store } = this.options;
    const refuse = (code: keyof typeof cancelRefusals): CancelOutcome => ({
      ok: false,
      code,
      ...cancelRefusals[code],
    });
    if (!this.alarms.has(alarmId)) return refuse(store.get(alarmId) ? "already_cancelled" : "unknown_alarm");
    if (pins.configured) {
      if (!(await pins.verify(pin ?? ""))) {
        logger.warn({ alarmId }, "alarm cancel refused: wrong PIN");
        return refuse("wrong_pin");
      }
    } else {
      logger.warn({ alarmId }, "alarm cancelled without a PIN: alarms.cancelPinHash is not configured");
    }
    // Re-read after the await: a second cancel may have finished meanwhile.
    const alarm = this.alarms.get(alarmId);
    if (alarm === undefined) return refuse("already_cancelled");
    const now = this.now();
    const cancelled = this.commit(() => {
      const step = stepAlarm(alarm, { type: "cancel", now }, this.options.timings.repeatMs);
      this.apply(step.alarm, step.effects, now);
      // "I am fine": the lone-worker timer starts again if the doctor is still on scene.
      if (alarm.kind === "lone_worker") this.stepLoneWorkerInTx({ type: "alarm_closed", now });
      return step.alarm;
    });
    logger.warn({ alarmId, kind: alarm.kind }, "alarm cancelled by the doctor");
    this.changed();
    return { ok: true, alarm: this.view(cancelled) };
  }

  /** "Prolonger": pushes the lone-worker deadline (also from the pre-alarm countdown). */
  extendLoneWorker(): LoneWorkerOutcome {
    return this.loneWorkerAction({ type: "extend", now: this.now() });
  }

  /** "Tout va bien": restarts the full period (also stops the pre-alarm countdown). */
  answerLoneWorker(): LoneWorkerOutcome {
    return this.loneWorkerAction({ type: "answer", now: this.now() });
  }

  /**
   * The status feed (StatusBoard): `on_scene` starts the lone-worker timer, leaving the scene stops
   * it. `emergency` (code 0) raises a panic alarm, as PROTOCOL.md's status table says it does.
   */
  onStatusChange(key: StatusKey, at: number): void {
    if (key === "emergency") this.panic();
    const event: LoneWorkerEvent = { type: "status", key, now: Math.round(at) };
    if (stepLoneWorker(this.loneWorker, event, this.settings()).state === this.loneWorker) return;
    this.commit(() => this.stepLoneWorkerInTx(event));
    this.changed();
  }

  /** Reads the delivery log now, instead of at the next repeat (call it when an `ack` came in). */
  refreshAcknowledgements(): void {
    const now = this.now();
    let changed = false;
    for (const alarm of [...this.alarms.values()]) {
      if (alarm.phase !== "raised" || !this.acknowledged(alarm)) continue;
      this.commit(() => this.apply(stepAlarm(alarm, { type: "acknowledged", now }, 0).alarm, [], now));
      changed = true;
    }
    if (changed) this.changed();
  }

  active(): AlarmOverview {
    return {
      alarms: [...this.alarms.values()].map((alarm) => this.view(alarm)),
      loneWorker: loneWorkerView(this.loneWorker, this.now()),
    };
  }

  onChange(listener: AlarmListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whole milliseconds: they are stored as SQLite integers and sent as ISO times. */
  private now(): number {
    return Math.round(this.options.clock.now());
  }

  private settings() {
    const { loneWorkerMs, extendMs, preAlarmMs } = this.options.timings;
    return { periodMs: loneWorkerMs, extendMs, preAlarmMs };
  }

  private view(alarm: Alarm): AlarmView {
    return alarmView(alarm, this.options.store.events(alarm.alarmId), this.options.deliveries);
  }

  private loneWorkerAction(event: LoneWorkerEvent): LoneWorkerOutcome {
    const step = stepLoneWorker(this.loneWorker, event, this.settings());
    if (step.refusal !== null) return { ok: false, ...step.refusal };
    this.commit(() => this.stepLoneWorkerInTx(event));
    this.options.logger.info(
      { action: event.type, loneWorker: this.loneWorker },
      "lone-worker timer answered",
    );
    this.changed();
    return { ok: true, loneWorker: loneWorkerView(this.loneWorker, event.now) };
  }

  /** Inside a transaction: steps the timer, raises its alarm if it ran out, and persists. */
  private stepLoneWorkerInTx(event: LoneWorkerEvent): void {
    const step = stepLoneWorker(this.loneWorker, event, this.settings());
    for (const effect of step.effects) {
      if (effect.type === "raise_alarm") {
        const alarm = this.raise("lone_worker", event.now);
        this.options.logger.warn(
          { alarmId: alarm.alarmId },
          "lone-worker alarm raised: the timer ran out unanswered",
        );
      } else if (effect.type === "show_countdown") {
        this.options.logger.warn({ endsAt: effect.endsAt }, "lone-worker timer ran out: pre-alarm countdown");
      }
    }
    this.options.store.saveLoneWorker(step.state);
    this.loneWorker = step.state;
  }

  private raise(kind: Alarm["kind"], now: number): Alarm {
    const step = raiseAlarm({
      alarmId: this.newAlarmId(now),
      kind,
      now,
      repeatMs: this.options.timings.repeatMs,
    });
    this.apply(step.alarm, step.effects, now);
    return step.alarm;
  }

  /** Inside a transaction: stores the alarm, then sends its effects (recording each event id). */
  private apply(alarm: Alarm, effects: readonly AlarmEffect[], now: number): void {
    const { store, outbox, track } = this.options;
    store.save(alarm);
    for (const effect of effects) {
      const { role, body } = alarmEvent(effect, track, now);
      const message = outbox.enqueue("alarm", body, now);
      store.recordEvent(alarm.alarmId, { eventId: message.id, role, at: now });
    }
    if (isOpen(alarm)) this.alarms.set(alarm.alarmId, alarm);
    else this.alarms.delete(alarm.alarmId);
  }

  private acknowledged(alarm: Alarm): boolean {
    const { store, deliveries } = this.options;
    return store
      .events(alarm.alarmId)
      .some((event) => deliveries.stateOf(event.eventId)?.state === "received");
  }

  /**
   * Runs `work` in one transaction. The in-memory state is put back if it throws, so that memory never
   * holds a state the database does not.
   */
  private commit<T>(work: () => T): T {
    const alarms = new Map(this.alarms);
    const loneWorker = this.loneWorker;
    try {
      return this.options.unitOfWork.transaction(work);
    } catch (error) {
      this.alarms = alarms;
      this.loneWorker = loneWorker;
      throw error;
    } finally {
      if (this.started) this.arm();
    }
  }

  /** Processes every deadline that has passed, each in its own transaction, then re-arms. */
  private runDue(): void {
    const now = this.now();
    const { timings, logger } = this.options;
    let changed = false;
    try {
      const due = loneWorkerDeadline(this.loneWorker);
      if (due !== null && due <= now) {
        this.commit(() => this.stepLoneWorkerInTx({ type: "deadline", now }));
        changed = true;
      }
      for (const alarm of [...this.alarms.values()]) {
        if (alarm.nextRepeatAt === null || alarm.nextRepeatAt > now) continue;
        const event = this.acknowledged(alarm) ? ("acknowledged" as const) : ("repeat_due" as const);
        const step = stepAlarm(alarm, { type: event, now }, timings.repeatMs);
        this.commit(() => this.apply(step.alarm, step.effects, now));
        if (event === "acknowledged")
          logger.info({ alarmId: alarm.alarmId }, "alarm acknowledged by dispatch");
        changed = true;
      }
      if (this.started) this.arm();
    } catch (error) {
      logger.error({ err: error }, "alarm deadline failed; retrying in 1 s");
      if (this.started) this.arm(retryMs);
    }
    if (changed) this.changed();
  }

  private arm(minDelayMs = 0): void {
    const deadlines = [...this.alarms.values()].map((alarm) => alarm.nextRepeatAt);
    this.timer.armFor([...deadlines, loneWorkerDeadline(this.loneWorker)], this.now(), minDelayMs);
  }

  private changed(): void {
    if (this.listeners.size === 0) return;
    const overview = this.active();
    for (const listener of this.listeners) {
      try {
        listener(overview);
      } catch (error) {
        // One failing listener (a closed WebSocket) must not stop the others, nor the alarm.
        this.options.logger.error({ err: error }, "alarm listener failed");
      }
    }
  }
}
