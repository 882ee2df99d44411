/**
 * Doctors' shifts (issue 10): sign-in with RPPS and PIN, the shift-start checklist, the availability
 * gate, the PIN that unlocks the screen, and sign-out with the shift summary.
 *
 * - Sign-in: the doctor must be on the roster, or the policy must let unknown doctors in (their
 *   first PIN becomes theirs). One shift at a time per car.
 * - Every state change commits with its outgoing messages in ONE transaction (DESIGN.md §3): the
 *   shift row and its `shift` event; the doctor's checklist and its `check` events; and the retained
 *   `status` again, so that dispatch sees who is in the car (`doctor` is stamped by
 *   shift-status-stamp.ts). After the commit `onShiftChange` runs: the transport re-publishes the
 *   retained `presence` with the doctor, the screen refreshes.
 * - The shift-start checklist is judged at sign-in time (a technician's run within
 *   `checklistValidHours` before sign-in, or any time after it, covers the shift).
 * - Sign-out is refused while a mission is in progress: its summary would miss the mission's end,
 *   and nobody would be in the car for dispatch.
 */
import { newMessageId } from "../contracts/message-id.ts";
import type { GatePolicy, ReadinessVerdict } from "../domain/equipment/readiness-verdict.ts";
import { isValidRpps } from "../domain/shifts/rpps.ts";
import { availabilityDecision, gatedVerdict, shiftStartAssessment } from "../domain/shifts/shift-gate.ts";
import {
  checklistToShow,
  type ShiftStartItem,
  type ShiftStartState,
  shiftStartState,
} from "../domain/shifts/shift-start.ts";
import type { ShiftSummary } from "../domain/shifts/shift-summary.ts";
import { CheckError } from "./check-errors.ts";
import type { CheckRunRecord, HistoryRange } from "./check-ports.ts";
import type { ReadinessProvider } from "./mission-ports.ts";
import type { Outbox, UnitOfWork } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";
import { cleanDoctorName, type DoctorDirectory, doctorPinPattern } from "./shift-doctors.ts";
import { shiftErrors } from "./shift-errors.ts";
import type { ShiftRecord, ShiftStore } from "./shift-ports.ts";
import type { DoctorOnShift } from "./shift-status-stamp.ts";
import { buildShiftSummary, type ShiftSummarySources } from "./shift-summary-source.ts";
import { summaryBody } from "./shift-wire.ts";
import { type PlannedResult, planRun } from "./technician-run.ts";

export interface ShiftServiceContext {
  doctors: DoctorDirectory;
  shifts: ShiftStore;
  outbox: Outbox;
  unitOfWork: UnitOfWork;
  clock: Clock;
  logger: Logger;
  /** The profile's shift-start checklist. */
  checklist: readonly ShiftStartItem[];
  /** The technicians' signed runs (the newest shift-start one may cover the shift). */
  technicianRuns: { history(range?: HistoryRange): CheckRunRecord[] };
  summarySources: ShiftSummarySources;
  /** The mission in progress, if any (sign-out waits for it). */
  activeMission: () => { id: string } | null;
  /** The equipment's verdict (null: unknown, or no equipment monitor). */
  equipment: ReadinessProvider;
  policies: { equipment: GatePolicy; shiftStart: GatePolicy };
  checklistValidHours: number;
  /** Inside the transaction: the status board's republish (the retained status gets the doctor). */
  republishStatus?: () => void;
  /** After the commit of a sign-in, sign-out or checklist: presence, screen, publisher kick. */
  onShiftChange?: () => void;
}

export interface ShiftView {
  shiftId: string;
  doctor: DoctorOnShift;
  startedAt: number;
  endedAt: number | null;
  shiftStart: ShiftStartState;
  summary: ShiftSummary | null;
}

export interface SignInResult {
  shift: ShiftView;
  /** The checklist to answer now, or null when none is needed. */
  checklist: readonly ShiftStartItem[] | null;
}

export class ShiftService {
  constructor(private readonly ctx: ShiftServiceContext) {}

  async signIn(input: { rpps: string; pin: string; name?: string }): Promise<SignInResult> {
    const { ctx } = this;
    const rpps = input.rpps.replace(/\s/g, "");
    if (!isValidRpps(rpps)) throw shiftErrors.invalidRpps(rpps);
    if (!doctorPinPattern.test(input.pin)) throw shiftErrors.invalidPinFormat();
    const open = ctx.shifts.open();
    if (open !== null) throw shiftErrors.alreadySignedIn(open.doctorName);
    const known = ctx.doctors.doctor(rpps);
    const allowed = known !== null && (known.inRoster || known.source === "walk_in");
    if (!allowed && !ctx.doctors.allowsUnknown()) throw shiftErrors.unknownDoctor(rpps);
    let doctor: DoctorOnShift;
    if (known === null || known.pin === null) {
      const name = cleanDoctorName(input.name ?? "");
      if (known === null && name === null) throw shiftErrors.unknownDoctor(rpps);
      if (known !== null) throw shiftErrors.noPin(rpps);
      doctor = await ctx.doctors.addWalkIn(rpps, name ?? rpps, input.pin);
    } else doctor = await ctx.doctors.verify(rpps, input.pin);

    const at = Math.round(ctx.clock.now());
    const shift = ctx.unitOfWork.transaction(() => {
      const again = ctx.shifts.open();
      if (again !== null) throw shiftErrors.alreadySignedIn(again.doctorName);
      const shiftId = newMessageId(at);
      const message = ctx.outbox.enqueue(
        "shift",
        {
          shiftId,
          state: "started",
          doctor: { rpps: doctor.rpps, name: doctor.name },
          startedAt: new Date(at).toISOString(),
        },
        at,
      );
      const record: ShiftRecord = {
        shiftId,
        rpps: doctor.rpps,
        doctorName: doctor.name,
        startedAt: at,
        endedAt: null,
        // Track ids only grow: the summary reads the points after the last one before sign-in.
        trackFromId: ctx.summarySources.track.latest()?.id ?? 0,
        shiftStart: null,
        summary: null,
        startMessageId: message.id,
        endMessageId: null,
      };
      ctx.shifts.insert(record);
      ctx.republishStatus?.();
      return record;
    });
    ctx.logger.info({ shiftId: shift.shiftId, rpps: shift.rpps }, "doctor signed in");
    ctx.onShiftChange?.();
    const view = this.view(shift);
    return { shift: view, checklist: checklistToShow(view.shiftStart) };
  }

  current(): ShiftView | null {
    const open = this.ctx.shifts.open();
    return open === null ? null : this.view(open);
  }

  /** The doctor on shift, for the presence and status bodies. */
  currentDoctor(): DoctorOnShift | null {
    const open = this.ctx.shifts.open();
    return open === null ? null : { rpps: open.rpps, name: open.doctorName };
  }

  /** The checklist to show now, or null (none in the profile, a technician covered it, or done). */
  shiftStartChecklist(): readonly ShiftStartItem[] | null {
    const open = this.ctx.shifts.open();
    return checklistToShow(this.startState(open));
  }

  /** The doctor's answers to the shift-start checklist, with one `check` event per item. */
  completeShiftStart(results: ReadonlyArray<{ checkId: string; result: "pass" | "fail"; notes?: string }>) {
    const { ctx } = this;
    const open = ctx.shifts.open();
    if (open === null) throw shiftErrors.notSignedIn();
    let planned: PlannedResult[];
    try {
      const items = { items: ctx.checklist };
      planned = planRun(
        { shiftStart: items, weekly: { items: [] }, monthly: { items: [] } },
        "shiftStart",
        results,
      );
    } catch (error) {
      if (error instanceof CheckError) throw shiftErrors.invalidChecklist([error.text]);
      throw error;
    }
    const at = Math.round(ctx.clock.now());
    ctx.unitOfWork.transaction(() => {
      const checks = planned.map((item) => {
        const message = ctx.outbox.enqueue(
          "check",
          {
            checkId: item.checkId,
            itemId: item.equipmentId ?? item.checkId,
            result: item.result,
            // PROTOCOL.md's `check` names a technician; here the doctor signs, with the RPPS.
            technician: `${open.doctorName} (RPPS ${open.rpps})`,
            ...(item.notes === undefined ? {} : { notes: item.notes }),
          },
          at,
        );
        return {
          checkId: item.checkId,
          result: item.result,
          ...(item.notes === undefined ? {} : { notes: item.notes }),
          messageId: message.id,
        };
      });
      ctx.shifts.recordShiftStart(open.shiftId, at, checks);
    });
    ctx.logger.info(
      { shiftId: open.shiftId, failed: planned.filter((p) => p.result === "fail").map((p) => p.checkId) },
      "shift-start checklist signed by the doctor",
    );
    ctx.onShiftChange?.();
    return this.availabilityGate();
  }

  /** The verdict the status board gates `available` with (run it under policy "block"). */
  gatedVerdict(): ReadinessVerdict | null {
    const open = this.ctx.shifts.open();
    const state = open === null ? null : this.startState(open);
    const labels = (id: string) =>
      this.ctx.checklist.find((item) => item.id === id)?.label ?? { fr: id, en: id };
    return gatedVerdict(this.ctx.equipment.verdict(), shiftStartAssessment(state, labels), this.ctx.policies);
  }

  /** For the status board: `missions.setReadinessProvider(shifts.readinessProvider())`. */
  readinessProvider(): ReadinessProvider {
    return { verdict: () => this.gatedVerdict() };
  }

  /** For the screens: may the doctor be available, and why (not). */
  availabilityGate() {
    const open = this.ctx.shifts.open();
    const verdict = this.gatedVerdict();
    return {
      ...availabilityDecision(verdict),
      readiness: this.ctx.equipment.verdict()?.readiness ?? ("unknown" as const),
      shiftStart: open === null ? null : this.startState(open),
    };
  }

  /** Unlocks the screen: the PIN of the doctor on shift, with the same lockout as sign-in. */
  async verifyPin(pin: string): Promise<true> {
    const open = this.ctx.shifts.open();
    if (open === null) throw shiftErrors.notSignedIn();
    await this.ctx.doctors.verify(open.rpps, pin);
    return true;
  }

  /** Ends the shift: the summary is computed, kept, and sent in the `shift ended` event. */
  signOut(): ShiftView {
    const { ctx } = this;
    const open = ctx.shifts.open();
    if (open === null) throw shiftErrors.notSignedIn();
    const active = ctx.activeMission();
    if (active !== null) throw shiftErrors.missionOpen(active.id);
    const at = Math.max(Math.round(ctx.clock.now()), open.startedAt);
    const ended = ctx.unitOfWork.transaction(() => {
      const summary = buildShiftSummary(ctx.summarySources, { ...open, endedAt: at });
      const message = ctx.outbox.enqueue(
        "shift",
        {
          shiftId: open.shiftId,
          state: "ended",
          doctor: { rpps: open.rpps, name: open.doctorName },
          startedAt: new Date(open.startedAt).toISOString(),
          summary: summaryBody(summary),
        },
        at,
      );
      ctx.shifts.end(open.shiftId, at, summary, message.id);
      ctx.republishStatus?.();
      return { ...open, endedAt: at, summary, endMessageId: message.id };
    });
    ctx.logger.info({ shiftId: open.shiftId, distanceM: ended.summary.distanceM }, "doctor signed out");
    ctx.onShiftChange?.();
    return this.view(ended);
  }

  /** Shifts started in the range, newest first. */
  history(range: { from?: number; to?: number; limit?: number } = {}): ShiftView[] {
    return this.ctx.shifts.history(range).map((shift) => this.view(shift));
  }

  private startState(shift: ShiftRecord | null): ShiftStartState {
    const { ctx } = this;
    const at = shift?.startedAt ?? ctx.clock.now();
    const hourMs = 3_600_000;
    const runs = ctx.technicianRuns
      .history({ from: at - ctx.checklistValidHours * hourMs })
      .filter((run) => run.schedule === "shiftStart");
    const newest = runs.at(-1);
    return shiftStartState({
      items: ctx.checklist,
      technicianRun:
        newest === undefined
          ? null
          : {
              at: newest.signedAt,
              by: newest.technicianName,
              failed: newest.results.filter((r) => r.result === "fail").map((r) => r.checkId),
            },
      doctorRun:
        shift?.shiftStart == null
          ? null
          : {
              at: shift.shiftStart.at,
              by: shift.doctorName,
              failed: shift.shiftStart.results.filter((r) => r.result === "fail").map((r) => r.checkId),
            },
      now: at,
      validHours: ctx.checklistValidHours,
    });
  }

  private view(shift: ShiftRecord): ShiftView {
    return {
      shiftId: shift.shiftId,
      doctor: { rpps: shift.rpps, name: shift.doctorName },
      startedAt: shift.startedAt,
      endedAt: shift.endedAt,
      shiftStart: this.startState(shift),
      summary: shift.summary,
    };
  }
}
