/**
 * The shift part of the screen's state (issue 10), and what the screen may not show while it is
 * locked or while nobody is signed in: the pushed JSON itself leaves out missions, message text,
 * reports and the car's position (which, parked at a visit, is the patient's address). Leaving them
 * out of the JSON, rather than hiding them in the page, is what makes a reload or a second window
 * unable to read them.
 */
import type { UiShift, UiShiftSummary, UiState } from "../contracts/ui-api.ts";
import type { ShiftSummary } from "../domain/shifts/shift-summary.ts";
import type { ShiftService, ShiftView } from "../services/shift-service.ts";
import type { ScreenMode } from "./screen-lock.ts";

export interface KioskShiftSources {
  service: Pick<ShiftService, "current" | "availabilityGate" | "history">;
  doctors: {
    doctors(): ReadonlyArray<{ rpps: string; name: string; inRoster: boolean; pin: unknown }>;
    allowsUnknown(): boolean;
  };
  lockAfterSeconds: number;
  mode(): ScreenMode;
}

/** The summary screen stays available this long after the sign-out. */
const summaryShownMs = 12 * 3_600_000;

export function shiftState(
  sources: KioskShiftSources,
  mode: ScreenMode,
  now: number,
  pending: UiState["missions"]["pending"],
): UiShift {
  const current = sources.service.current();
  const gate = current === null ? null : sources.service.availabilityGate();
  const last = current === null ? sources.service.history({ limit: 1 })[0] : undefined;
  const shown = last?.summary != null && last.endedAt !== null && now - last.endedAt < summaryShownMs;
  return {
    locked: mode === "locked",
    lockAfterSeconds: sources.lockAfterSeconds,
    doctor: current === null ? null : { ...current.doctor },
    startedAt: current?.startedAt ?? null,
    checklist: current === null ? null : checklistView(current),
    gate:
      gate === null
        ? null
        : {
            allowed: gate.allowed,
            readiness: gate.readiness,
            warnings: gate.warnings.map((reason) => ({ fr: reason.text.fr, en: reason.text.en })),
            blockingReasons: gate.blockingReasons.map((reason) => ({
              fr: reason.text.fr,
              en: reason.text.en,
            })),
          },
    roster:
      current === null
        ? sources.doctors
            .doctors()
            .filter((doctor) => doctor.inRoster)
            .map((doctor) => ({ rpps: doctor.rpps, name: doctor.name, hasPin: doctor.pin !== null }))
        : [],
    allowUnknown: sources.doctors.allowsUnknown(),
    missionAlert: mode === "open" ? null : alertOf(pending),
    lastSummary: shown && last?.summary ? summaryView(last, last.summary) : null,
  };
}

function checklistView(shift: ShiftView): UiShift["checklist"] {
  const start = shift.shiftStart;
  if (start.state === "not_required")
    return { state: "not_required", by: null, at: null, failed: [], items: [] };
  if (start.state === "pending")
    return {
      state: "pending",
      by: null,
      at: null,
      failed: [],
      items: start.items.map((item) => ({ id: item.id, label: { fr: item.label.fr, en: item.label.en } })),
    };
  return { state: start.state, by: start.run.by, at: start.run.at, failed: [...start.run.failed], items: [] };
}

const priorityOrder = ["P0", "P1", "P2", "P3"] as const;

/** The most urgent mission waiting for an answer: its priority, and nothing else. */
function alertOf(pending: UiState["missions"]["pending"]): UiShift["missionAlert"] {
  if (pending.length === 0) return null;
  const priority = priorityOrder.find((p) => pending.some((mission) => mission.priority === p)) ?? "P3";
  return { priority };
}

function summaryView(shift: ShiftView, summary: ShiftSummary): UiShiftSummary {
  return {
    shiftId: shift.shiftId,
    doctor: { ...shift.doctor },
    startedAt: summary.startedAt,
    endedAt: summary.endedAt,
    distanceM: summary.distanceM,
    statusTimes: summary.statusTimes.map((entry) => ({ key: entry.key, ms: entry.ms })),
    missions: summary.missions.map((mission) => ({
      missionId: mission.missionId,
      priority: mission.priority,
      state: mission.state,
      outcome: mission.outcome,
      times: Object.fromEntries(
        Object.entries(mission.times).filter(
          (entry): entry is [string, number] => typeof entry[1] === "number",
        ),
      ),
    })),
    alarms: summary.alarms.map((alarm) => ({
      alarmId: alarm.alarmId,
      kind: alarm.kind,
      raisedAt: alarm.raisedAt,
    })),
    restock: summary.restock.map((entry) => ({ item: entry.item, qty: entry.qty })),
  };
}

/**
 * The state a locked (or signed-out) screen gets: the header (clock, link, GNSS and equipment
 * summaries), alarms, the shift. Everything else is emptied, not hidden.
 */
export function redacted(state: UiState, mode: Exclude<ScreenMode, "open">): UiState {
  return {
    ...state,
    status: null,
    lastSent: null,
    statusOptions: [],
    gnss: { ...state.gnss, fix: null },
    missions: { active: null, pending: [], closing: [], ended: [] },
    messages: { unread: state.messages.unread, items: [] },
    // The technician checks the car before a shift; nobody needs them behind a lock.
    checks: mode === "signed_out" ? state.checks : null,
  };
}
