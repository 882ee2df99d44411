/**
 * The status board: the doctor's radio status, one touch per status (issue 4, PROTOCOL.md A `status`).
 *
 * `setStatus(key)` checks the rules (domain status-rules.ts), applies the readiness gate to
 * `available`/`at_base`, then in ONE transaction stores the status and its history with the current
 * position, enqueues the retained `status` message, moves the mission (en_route, on_scene...) and puts
 * the step on its timeline. After the commit the reporter sends the next fix at once (DESIGN.md §3)
 * and status listeners run (the alarms' lone-worker timer starts on on_scene).
 *
 * `call_request` is sent, then the current status again: the retained `status` topic must go on
 * showing the real status, and dispatch has seen the request in between (FMS status 5 works so).
 */
import {
  type GatePolicy,
  type GateReason,
  gateAvailability,
  type Readiness,
} from "../domain/equipment/readiness-verdict.ts";
import { type MissionError, missionError } from "../domain/missions/mission-errors.ts";
import { decideStatus, statusCode } from "../domain/missions/status-rules.ts";
import type { StatusKey } from "../domain/radio-status.ts";
import type { MovingProfile } from "../domain/reporting-policy.ts";
import type { MissionDesk } from "./mission-desk.ts";
import type { ReadinessProvider, StatusRecord, StatusStore } from "./mission-ports.ts";
import { type PositionReader, positionFields } from "./mission-position.ts";
import type { DeliveryLog, DeliveryState, Outbox, UnitOfWork } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";

export interface StatusBoardContext {
  statuses: StatusStore;
  desk: MissionDesk;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  deliveries: DeliveryLog;
  clock: Clock;
  logger: Logger;
  position: PositionReader;
  readiness: ReadinessProvider;
  readinessPolicy: GatePolicy;
  /** The telemetry reporter: a status change sends the next fix at once. */
  reporter?: { statusChanged(): void };
}

export interface StatusView extends StatusRecord {
  code: number;
  delivery: DeliveryState | null;
}

export type SetStatusResult =
  | {
      ok: true;
      status: StatusView;
      /** Equipment readiness asked before `available`/`at_base`; "unknown" without a verdict. */
      readiness: Readiness | "unknown" | null;
      /** Shown to the doctor without stopping them (warnings, and faults under policy "warn"). */
      warnings: readonly GateReason[];
    }
  | { ok: false; error: MissionError; blockingReasons?: readonly GateReason[] };

export type StatusListener = (key: StatusKey, missionId: string | null, at: number) => void;

const gatedStatuses: ReadonlySet<StatusKey> = new Set<StatusKey>(["available", "at_base"]);

export class StatusBoard {
  private readonly listeners = new Set<StatusListener>();

  constructor(private readonly ctx: StatusBoardContext) {}

  setStatus(key: StatusKey, options: { note?: string } = {}): SetStatusResult {
    const { ctx } = this;
    const active = ctx.desk.active();
    const current = ctx.statuses.current();
    const decision = decideStatus(
      {
        current: current?.key ?? null,
        activeMission: active === null ? null : { id: active.id, phase: active.state },
      },
      key,
    );
    if (!decision.ok) return { ok: false, error: decision.error };

    let readiness: Readiness | "unknown" | null = null;
    let warnings: readonly GateReason[] = [];
    if (gatedStatuses.has(key)) {
      const verdict = ctx.readiness.verdict();
      readiness = verdict?.readiness ?? "unknown";
      if (verdict !== null) {
        const gate = gateAvailability(verdict, ctx.readinessPolicy);
        if (!gate.allowed)
          return { ok: false, error: notReady(gate.blockingReasons), blockingReasons: gate.blockingReasons };
        warnings = gate.warnings;
      }
    }

    const at = Math.round(ctx.clock.now());
    const position = ctx.position();
    const record = ctx.unitOfWork.transaction(() => {
      const message = ctx.outbox.enqueue(
        "status",
        {
          code: statusCode(key),
          key,
          since: new Date(at).toISOString(),
          ...(decision.missionId === null ? {} : { missionId: decision.missionId }),
          ...positionFields(position),
          ...(options.note === undefined ? {} : { note: options.note }),
        },
        at,
      );
      const sent: StatusRecord = {
        key,
        since: at,
        missionId: decision.missionId,
        lat: position?.lat ?? null,
        lon: position?.lon ?? null,
        messageId: message.id,
        note: options.note ?? null,
      };
      ctx.statuses.record(sent, decision.changesStatus);
      if (decision.missionId !== null) {
        if (decision.missionEvent !== null) ctx.desk.advance(decision.missionId, decision.missionEvent, at);
        ctx.desk.addTimeline(decision.missionId, "status", key, at, message.id, options.note ?? null);
      }
      if (!decision.changesStatus && current !== null) this.enqueueCurrent(current);
      return sent;
    });
    ctx.logger.info({ key, missionId: record.missionId }, "status sent");
    if (decision.changesStatus) {
      ctx.reporter?.statusChanged();
      this.notify(key, record.missionId, at);
    }
    return { ok: true, status: this.view(record), readiness, warnings };
  }

  /**
   * `status.request` from dispatch (PROTOCOL.md A): publishes the current status again, with the time
   * it was entered. Runs inside the inbox's transaction. Nothing before the first status.
   */
  republish(): boolean {
    const current = this.ctx.statuses.current();
    if (current === null) return false;
    this.enqueueCurrent(current);
    return true;
  }

  current(): StatusView | null {
    const current = this.ctx.statuses.current();
    return current === null ? null : this.view(current);
  }

  /** Every status sent, newest first, with its position and delivery state. */
  history(limit = 100): StatusView[] {
    return this.ctx.statuses.history(limit).map((record) => this.view(record));
  }

  /** Tighter position reporting while a mission is accepted and not yet visit_done. */
  movingProfile(): MovingProfile {
    return this.ctx.desk.active() === null ? "patrol" : "mission";
  }

  /**
   * Called after each committed status change (not for call_request, which changes nothing), with
   * the mission it belongs to. Listener errors are logged and isolated.
   */
  onStatusChange(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private enqueueCurrent(current: StatusRecord): void {
    this.ctx.outbox.enqueue(
      "status",
      {
        code: statusCode(current.key),
        key: current.key,
        since: new Date(current.since).toISOString(),
        ...(current.missionId === null ? {} : { missionId: current.missionId }),
        ...(current.lat === null || current.lon === null ? {} : { lat: current.lat, lon: current.lon }),
      },
      Math.round(this.ctx.clock.now()),
    );
  }

  private view(record: StatusRecord): StatusView {
    return {
      ...record,
      code: statusCode(record.key),
      delivery: this.ctx.deliveries.stateOf(record.messageId)?.state ?? null,
    };
  }

  private notify(key: StatusKey, missionId: string | null, at: number): void {
    for (const listener of this.listeners) {
      try {
        listener(key, missionId, at);
      } catch (error) {
        this.ctx.logger.error({ err: error, key }, "status listener failed");
      }
    }
  }
}

function notReady(reasons: readonly GateReason[]): MissionError {
  const fr = reasons.map((reason) => reason.text.fr).join(" ; ");
  const en = reasons.map((reason) => reason.text.en).join("; ");
  return missionError("not_ready", {
    fr: `« Disponible » bloqué : matériel non prêt (${fr})`,
    en: `"Available" blocked: equipment not ready (${en})`,
  });
}
