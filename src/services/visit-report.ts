/**
 * The end-of-visit report (issue 4, PROTOCOL.md A `report`): outcome, summary, acts and consumables,
 * with the visit's times taken from the mission timeline (stored here and shown to the doctor; the
 * wire body has no time fields, dispatch has the statuses).
 *
 * `submit` stores the report, enqueues the `report` event and moves the mission visit_done → reported
 * in one transaction. The mission is closed when dispatch acknowledges the report with its own `ack`
 * (DeliveryLog state `received`), which `closeAcknowledged` checks: the command inbox records acks,
 * and this polls for them rather than replacing the inbox's `ack` handler (the alarms need it too).
 */
import { reportBody, type reportOutcomes } from "../contracts/car-events.ts";
import { type MissionError, missionError } from "../domain/missions/mission-errors.ts";
import { applyMissionEvent } from "../domain/missions/mission-lifecycle.ts";
import { visitTimes } from "../domain/missions/mission-times.ts";
import type { MissionDesk } from "./mission-desk.ts";
import type { MissionStore, VisitReportRecord, VisitReportStore } from "./mission-ports.ts";
import type { DeliveryLog, DeliveryState, Outbox, UnitOfWork } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";

export interface VisitReportsContext {
  reports: VisitReportStore;
  missions: MissionStore;
  desk: MissionDesk;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  deliveries: DeliveryLog;
  clock: Clock;
  logger: Logger;
}

export interface VisitReportInput {
  outcome: (typeof reportOutcomes)[number];
  summary: string;
  acts?: string[];
  consumables?: Array<{ item: string; qty: number }>;
}

export interface VisitReportView extends VisitReportRecord {
  delivery: DeliveryState | null;
}

export type SubmitResult = { ok: true; report: VisitReportView } | { ok: false; error: MissionError };

export class VisitReports {
  constructor(private readonly ctx: VisitReportsContext) {}

  submit(missionId: string, input: VisitReportInput): SubmitResult {
    const { ctx } = this;
    const mission = ctx.missions.get(missionId);
    if (mission === null)
      return {
        ok: false,
        error: missionError("unknown_mission", {
          fr: `Mission ${missionId} inconnue`,
          en: `unknown mission ${missionId}`,
        }),
      };
    const next = applyMissionEvent(mission.state, "report");
    if (!next.ok) return { ok: false, error: next.error };
    const body = {
      missionId,
      outcome: input.outcome,
      summary: input.summary.trim(),
      ...(input.acts === undefined || input.acts.length === 0 ? {} : { acts: input.acts }),
      ...(input.consumables === undefined || input.consumables.length === 0
        ? {}
        : { consumables: input.consumables }),
    };
    const parsed = reportBody.safeParse(body);
    if (!parsed.success)
      return {
        ok: false,
        error: missionError("invalid_input", {
          fr: `Compte rendu incomplet ou invalide : ${parsed.error.issues.map((issue) => issue.path.join(".")).join(", ")}`,
          en: `Report incomplete or invalid: ${parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join(", ")}`,
        }),
      };
    const at = Math.round(ctx.clock.now());
    const report = ctx.unitOfWork.transaction(() => {
      const message = ctx.outbox.enqueue("report", parsed.data, at);
      const record: VisitReportRecord = {
        missionId,
        messageId: message.id,
        outcome: parsed.data.outcome,
        summary: parsed.data.summary,
        acts: parsed.data.acts ?? [],
        consumables: parsed.data.consumables ?? [],
        times: { ...visitTimes(ctx.missions.timeline(missionId)) },
        createdAt: at,
      };
      ctx.reports.insert(record);
      ctx.desk.advance(missionId, "report", at, { reportMessageId: message.id });
      ctx.desk.addTimeline(missionId, "lifecycle", "reported", at, message.id, null);
      return record;
    });
    ctx.logger.info({ missionId, outcome: report.outcome }, "visit report queued");
    return { ok: true, report: this.view(report) };
  }

  get(missionId: string): VisitReportView | null {
    const report = this.ctx.reports.get(missionId);
    return report === null ? null : this.view(report);
  }

  /**
   * Closes every reported mission whose report dispatch has acknowledged; the closing time is the
   * acknowledgement's, so the purge delay counts from it. Returns how many were closed.
   */
  closeAcknowledged(): number {
    let closed = 0;
    for (const mission of this.ctx.missions.inStates(["reported"])) {
      const delivery =
        mission.reportMessageId === null ? null : this.ctx.deliveries.stateOf(mission.reportMessageId);
      if (delivery?.state !== "received") continue;
      const at = delivery.receivedAt ?? Math.round(this.ctx.clock.now());
      this.ctx.unitOfWork.transaction(() => {
        this.ctx.desk.advance(mission.id, "report_acknowledged", at, { endedAt: at });
        this.ctx.desk.addTimeline(mission.id, "lifecycle", "closed", at, null, null);
      });
      this.ctx.logger.info({ missionId: mission.id }, "mission closed: dispatch acknowledged the report");
      closed++;
    }
    return closed;
  }

  private view(report: VisitReportRecord): VisitReportView {
    return { ...report, delivery: this.ctx.deliveries.stateOf(report.messageId)?.state ?? null };
  }
}
