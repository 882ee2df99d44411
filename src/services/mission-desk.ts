/**
 * The mission desk: the car's inbox of missions (issue 4).
 *
 * - `mission.assign` is stored and acknowledged `received` in the command inbox's transaction, so a
 *   crash can never leave a stored mission unacknowledged, or an ack for a mission that is not stored.
 * - The kiosk calls `displayed` when it shows a mission, then `accept` or `decline(reason)`; each one
 *   sends its `mission.ack` through the outbox in the same transaction as the state change.
 * - `mission.update` merges fields, `mission.cancel` ends it before visit_done; a refused command
 *   becomes a `rejected` event with the reason (CommandRejection).
 * - The field statuses move the mission through the status board (`advance`), the report through
 *   VisitReports.
 * Every step goes on the mission's timeline with its time and position.
 */
import { missionAckBody } from "../contracts/car-events.ts";
import {
  changedFields,
  type MissionDetails,
  mergeMissionUpdate,
} from "../domain/missions/mission-details.ts";
import type { MissionError } from "../domain/missions/mission-errors.ts";
import { missionError } from "../domain/missions/mission-errors.ts";
import {
  type ActivePhase,
  applyMissionEvent,
  isActivePhase,
  type MissionEvent,
} from "../domain/missions/mission-lifecycle.ts";
import { type CommandContext, type CommandOf, CommandRejection } from "./command-inbox.ts";
import type { MissionRecord, MissionStore, TimelineEntry, TimelineKind } from "./mission-ports.ts";
import type { PositionReader } from "./mission-position.ts";
import type { DeliveryLog, DeliveryState, Outbox, UnitOfWork } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";

export interface MissionDeskContext {
  missions: MissionStore;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  deliveries: DeliveryLog;
  clock: Clock;
  logger: Logger;
  position: PositionReader;
}

export type DeskResult = { ok: true; mission: MissionRecord } | { ok: false; error: MissionError };

export interface TimelineView extends TimelineEntry {
  /** queued → sent → received, for entries that sent a message; null otherwise or once pruned. */
  delivery: DeliveryState | null;
}

type AckState = "received" | "displayed" | "accepted" | "declined";

function unknownMission(missionId: string): MissionError {
  return missionError("unknown_mission", {
    fr: `Mission ${missionId} inconnue`,
    en: `unknown mission ${missionId}`,
  });
}

export class MissionDesk {
  private readonly listeners = new Set<(mission: MissionRecord) => void>();

  constructor(private readonly ctx: MissionDeskContext) {}

  /** Inbox handler of `mission.assign` (runs inside the inbox's transaction). */
  onAssign(command: CommandOf<"mission.assign">, context: CommandContext): void {
    const { missionId, ...details } = command.body;
    if (context.fleetWide)
      throw new CommandRejection(`mission ${missionId} sent to the whole fleet: a mission goes to one car`);
    if (this.ctx.missions.get(missionId) !== null)
      throw new CommandRejection(
        `mission ${missionId} is already assigned (send mission.update to change it)`,
      );
    const at = context.receivedAt;
    const received = applyMissionEvent("assigned", "receive");
    if (!received.ok) throw new CommandRejection(received.error.message.en);
    this.ctx.missions.insert({
      id: missionId,
      state: received.state,
      details: details satisfies MissionDetails,
      assignedAt: at,
      updatedAt: at,
      endedAt: null,
      cancelReason: null,
      declineReason: null,
      reportMessageId: null,
      purgedAt: null,
    });
    this.addTimeline(missionId, "lifecycle", "assigned", at, null, null);
    this.ack(missionId, "received", at);
    this.notifyLater(missionId);
  }

  /** Inbox handler of `mission.update`: merges the changed fields. */
  onUpdate(command: CommandOf<"mission.update">, context: CommandContext): void {
    const { missionId, ...update } = command.body;
    const mission = this.requireForCommand(missionId, "update");
    const fields = changedFields(update);
    this.ctx.missions.save({
      ...mission,
      details: mergeMissionUpdate(mission.details, update),
      updatedAt: context.receivedAt,
    });
    this.addTimeline(missionId, "lifecycle", "updated", context.receivedAt, null, fields.join(", ") || null);
    this.notifyLater(missionId);
  }

  /** Inbox handler of `mission.cancel`: accepted before visit_done (PROTOCOL.md A). */
  onCancel(command: CommandOf<"mission.cancel">, context: CommandContext): void {
    const { missionId, reason } = command.body;
    const mission = this.requireForCommand(missionId, "cancel");
    const at = context.receivedAt;
    this.ctx.missions.save({
      ...mission,
      state: "cancelled",
      updatedAt: at,
      endedAt: at,
      cancelReason: reason,
    });
    this.addTimeline(missionId, "lifecycle", "cancelled", at, null, reason);
    this.ctx.logger.info({ missionId, from: mission.state }, "mission cancelled by dispatch");
    this.notifyLater(missionId);
  }

  /** The kiosk showed the mission to the doctor. Showing it again later changes nothing. */
  displayed(missionId: string): DeskResult {
    const mission = this.ctx.missions.get(missionId);
    if (mission === null) return { ok: false, error: unknownMission(missionId) };
    if (mission.state !== "received" && mission.state !== "assigned") return { ok: true, mission };
    return this.answer(mission, ["display"]);
  }

  /**
   * The doctor accepts. A mission accepted straight from the list is shown first, so dispatch gets
   * `displayed` then `accepted`, in that order, as PROTOCOL.md lists them.
   */
  accept(missionId: string): DeskResult {
    const mission = this.ctx.missions.get(missionId);
    if (mission === null) return { ok: false, error: unknownMission(missionId) };
    const other = this.active();
    if (other !== null && other.id !== missionId)
      return {
        ok: false,
        error: missionError("other_mission_active", {
          fr: `Impossible d'accepter : la mission ${other.id} est en cours`,
          en: `Cannot accept: mission ${other.id} is in progress`,
        }),
      };
    const events: MissionEvent[] = mission.state === "received" ? ["display", "accept"] : ["accept"];
    return this.answer(mission, events);
  }

  decline(missionId: string, reason?: string): DeskResult {
    const mission = this.ctx.missions.get(missionId);
    if (mission === null) return { ok: false, error: unknownMission(missionId) };
    const trimmed = reason?.trim() || undefined;
    if (!missionAckBody.safeParse({ missionId, state: "declined", reason: trimmed }).success)
      return {
        ok: false,
        error: missionError("invalid_input", {
          fr: "Motif de refus trop long (1000 caractères au plus)",
          en: "Decline reason too long (at most 1000 characters)",
        }),
      };
    const events: MissionEvent[] = mission.state === "received" ? ["display", "decline"] : ["decline"];
    return this.answer(mission, events, trimmed);
  }

  get(missionId: string): MissionRecord | null {
    return this.ctx.missions.get(missionId);
  }

  /** Newest first. */
  list(limit = 50): MissionRecord[] {
    return this.ctx.missions.list(limit);
  }

  /** Missions waiting for the doctor's answer, oldest first. */
  pending(): MissionRecord[] {
    return this.ctx.missions.inStates(["assigned", "received", "displayed"]);
  }

  /** The accepted mission the doctor is working on (accepted → with_patient), if any. */
  active(): (MissionRecord & { state: ActivePhase }) | null {
    const [mission] = this.ctx.missions.inStates(["accepted", "en_route", "on_scene", "with_patient"]);
    return mission !== undefined && isActivePhase(mission.state)
      ? (mission as MissionRecord & { state: ActivePhase })
      : null;
  }

  timeline(missionId: string): TimelineView[] {
    return this.ctx.missions.timeline(missionId).map((entry) => ({
      ...entry,
      delivery:
        entry.messageId === null ? null : (this.ctx.deliveries.stateOf(entry.messageId)?.state ?? null),
    }));
  }

  /** Called when a mission changes (after the commit), with its new state. */
  onChange(listener: (mission: MissionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Moves a mission with a field status or the report (inside the caller's transaction). The caller
   * decided it is allowed (status-rules.ts); a refusal here is a bug, so it throws and rolls back.
   */
  advance(
    missionId: string,
    event: MissionEvent,
    at: number,
    patch: Partial<MissionRecord> = {},
  ): MissionRecord {
    const mission = this.ctx.missions.get(missionId);
    if (mission === null) throw new Error(`unknown mission ${missionId}`);
    const next = applyMissionEvent(mission.state, event);
    if (!next.ok) throw new Error(next.error.message.en);
    const saved = { ...mission, ...patch, state: next.state, updatedAt: at };
    this.ctx.missions.save(saved);
    this.notifyLater(missionId);
    return saved;
  }

  /** Adds a timeline entry with the current position (inside the caller's transaction). */
  addTimeline(
    missionId: string,
    kind: TimelineKind,
    state: string,
    at: number,
    messageId: string | null,
    note: string | null,
  ): TimelineEntry {
    const position = this.ctx.position();
    return this.ctx.missions.addTimeline({
      missionId,
      kind,
      state,
      at,
      lat: position?.lat ?? null,
      lon: position?.lon ?? null,
      messageId,
      note,
    });
  }

  private answer(mission: MissionRecord, events: MissionEvent[], reason?: string): DeskResult {
    let state = mission.state;
    for (const event of events) {
      const next = applyMissionEvent(state, event);
      if (!next.ok) return { ok: false, error: next.error };
      state = next.state;
    }
    const at = Math.round(this.ctx.clock.now());
    const saved = this.ctx.unitOfWork.transaction(() => {
      let current = mission;
      for (const event of events) {
        const patch = event === "decline" ? { declineReason: reason ?? null, endedAt: at } : {};
        current = this.advance(mission.id, event, at, patch);
        this.ack(mission.id, current.state as AckState, at, reason);
      }
      return current;
    });
    this.ctx.logger.info({ missionId: mission.id, state: saved.state }, "mission answered");
    return { ok: true, mission: saved };
  }

  /** Sends a `mission.ack` and puts it on the timeline (inside the caller's transaction). */
  private ack(missionId: string, state: AckState, at: number, reason?: string): void {
    const message = this.ctx.outbox.enqueue(
      "mission.ack",
      { missionId, state, ...(state === "declined" && reason !== undefined ? { reason } : {}) },
      at,
    );
    this.addTimeline(missionId, "ack", state, at, message.id, state === "declined" ? (reason ?? null) : null);
  }

  private requireForCommand(missionId: string, event: "update" | "cancel"): MissionRecord {
    const mission = this.ctx.missions.get(missionId);
    if (mission === null) throw new CommandRejection(`unknown mission ${missionId}`);
    const next = applyMissionEvent(mission.state, event);
    if (!next.ok) throw new CommandRejection(`mission ${missionId}: ${next.error.message.en}`);
    return mission;
  }

  /** After the surrounding transaction: listeners see what was committed (re-read), never a rollback. */
  private notifyLater(missionId: string): void {
    if (this.listeners.size === 0) return;
    queueMicrotask(() => {
      const mission = this.ctx.missions.get(missionId);
      if (mission === null) return;
      for (const listener of this.listeners) {
        try {
          listener(mission);
        } catch (error) {
          this.ctx.logger.error({ err: error }, "mission listener failed");
        }
      }
    });
  }
}
