/**
 * Builds the state the doctor's screen shows (src/contracts/ui-api.ts `UiState`) from the services,
 * seen through the narrow reads below, so that the screen never holds a rule of its own: which
 * statuses are allowed now and why not (status-rules.ts and the readiness gate), what the receiver
 * says, what dispatch received.
 */
import type { UiMission, UiState } from "../contracts/ui-api.ts";
import { kindSubjects } from "../domain/equipment/readiness-labels.ts";
import {
  type GatePolicy,
  gateAvailability,
  type ReadinessVerdict,
} from "../domain/equipment/readiness-verdict.ts";
import type { Checklists } from "../domain/equipment/technician-checks.ts";
import type { Fix } from "../domain/gnss/fix.ts";
import type { ReceiverHealth } from "../domain/gnss/receiver-health.ts";
import { decideStatus, type StatusDecision } from "../domain/missions/status-rules.ts";
import { radioStatuses } from "../domain/radio-status.ts";
import type { AlarmOverview } from "../services/alarm-views.ts";
import type { CrewMessages } from "../services/crew-messages.ts";
import type { DispatchLinkStatus } from "../services/dispatch-link.ts";
import type { ControllerLink } from "../services/equipment-monitor.ts";
import type { MissionDesk } from "../services/mission-desk.ts";
import type { MissionRecord } from "../services/mission-ports.ts";
import type { Clock } from "../services/ports.ts";
import type { StatusBoard, StatusView } from "../services/status-board.ts";
import { scheduleNames } from "../services/technician-run.ts";
import type { VisitReports } from "../services/visit-report.ts";
import { type KioskShiftSources, redacted, shiftState } from "./kiosk-shift-state.ts";

export interface KioskStateSources {
  fleet: string;
  vehicle: string;
  settings: UiState["settings"];
  clock: Clock;
  gnss: { latestFix(): Fix | null; health(language: "fr" | "en"): ReceiverHealth };
  dispatch: { status(): DispatchLinkStatus; pendingCount(): number };
  missions: {
    desk: Pick<MissionDesk, "active" | "pending" | "list" | "timeline">;
    status: Pick<StatusBoard, "current" | "history">;
    messages: Pick<CrewMessages, "list" | "unreadCount">;
    reports: Pick<VisitReports, "get">;
  };
  readinessPolicy: GatePolicy;
  /** null: readiness off (no equipment in the profile). */
  equipment: {
    verdict(): ReadinessVerdict;
    link(): ControllerLink;
    labels: ReadonlyMap<string, { fr: string; en: string }>;
  } | null;
  alarms: { active(): AlarmOverview; cancelNeedsPin: boolean } | null;
  checklists: Checklists | null;
  /** Shifts and the screen lock (issue 10); absent: no sign-in on this core, nothing hidden. */
  shifts?: KioskShiftSources | null;
}

/** Ended missions stay on screen this long: a cancellation at 3 a.m. must not vanish unseen. */
const endedShownMs = 12 * 3_600_000;
const messagesShown = 30;

export function buildKioskState(sources: KioskStateSources): UiState {
  const now = sources.clock.now();
  const { desk } = sources.missions;
  const active = desk.active();
  const recent = desk.list(30);
  const current = sources.missions.status.current();
  const state: UiState = {
    at: now,
    fleet: sources.fleet,
    vehicle: sources.vehicle,
    settings: sources.settings,
    status: statusView(current),
    lastSent: statusView(sources.missions.status.history(1)[0] ?? null),
    statusOptions: statusOptions(sources, current?.key ?? null, active),
    gnss: gnssState(sources, now),
    dispatch: dispatchState(sources),
    equipment: equipmentState(sources),
    missions: {
      active: active === null ? null : missionView(sources, active),
      pending: desk.pending().map((mission) => missionView(sources, mission)),
      closing: recent
        .filter((mission) => mission.state === "visit_done" || mission.state === "reported")
        .map((mission) => missionView(sources, mission)),
      ended: recent
        .filter((mission) => mission.endedAt !== null && now - mission.endedAt < endedShownMs)
        .slice(0, 5)
        .map((mission) => missionView(sources, mission)),
    },
    messages: {
      unread: sources.missions.messages.unreadCount(),
      items: sources.missions.messages.list(messagesShown).map((message) => ({
        id: message.id,
        direction: message.direction,
        text: message.text,
        at: message.at,
        read: message.readAt !== null,
        delivery: message.delivery,
      })),
    },
    alarms: alarmsState(sources),
    checks:
      sources.checklists === null
        ? null
        : {
            checklists: (["shiftStart", "weekly", "monthly"] as const).map((schedule) => ({
              schedule,
              label: scheduleNames[schedule],
              items: (sources.checklists as Checklists)[schedule].items.map((item) => ({
                id: item.id,
                label: { fr: item.label.fr, en: item.label.en },
                ...(item.equipmentId === undefined ? {} : { equipmentId: item.equipmentId }),
              })),
            })),
          },
    shift: null,
  };
  const shifts = sources.shifts ?? null;
  if (shifts === null) return state;
  const mode = shifts.mode();
  const withShift = { ...state, shift: shiftState(shifts, mode, now, state.missions.pending) };
  return mode === "open" ? withShift : redacted(withShift, mode);
}

function statusView(status: StatusView | null): UiState["status"] {
  if (status === null) return null;
  const { key, code, since, missionId, messageId, delivery } = status;
  return { key, code, since, missionId, messageId, delivery };
}

function statusOptions(
  sources: KioskStateSources,
  current: UiState["statusOptions"][number]["key"] | null,
  active: ReturnType<KioskStateSources["missions"]["desk"]["active"]>,
): UiState["statusOptions"] {
  const situation = {
    current,
    activeMission: active === null ? null : { id: active.id, phase: active.state },
  };
  return radioStatuses.map((status) => {
    const decision: StatusDecision = decideStatus(situation, status.key);
    let reason = decision.ok ? null : decision.error.message;
    const gated = status.key === "available" || status.key === "at_base";
    if (decision.ok && gated && sources.shifts) {
      // The shift's gate: the equipment and the shift-start checklist, each under its policy.
      const gate = sources.shifts.service.availabilityGate();
      if (!gate.allowed)
        reason = {
          fr: `Pas disponible : ${gate.blockingReasons.map((r) => r.text.fr).join(" ; ")}`,
          en: `Not available: ${gate.blockingReasons.map((r) => r.text.en).join("; ")}`,
        };
    } else if (decision.ok && gated && sources.equipment) {
      const gate = gateAvailability(sources.equipment.verdict(), sources.readinessPolicy);
      if (!gate.allowed)
        reason = {
          fr: `Matériel non prêt : ${gate.blockingReasons.map((r) => r.text.fr).join(" ; ")}`,
          en: `Equipment not ready: ${gate.blockingReasons.map((r) => r.text.en).join("; ")}`,
        };
    }
    return {
      key: status.key,
      code: status.code,
      label: { fr: status.labels.fr, en: status.labels.en },
      allowed: reason === null,
      reason: reason === null ? null : { fr: reason.fr, en: reason.en },
    };
  });
}

function gnssState(sources: KioskStateSources, now: number): UiState["gnss"] {
  const fr = sources.gnss.health("fr");
  const en = sources.gnss.health("en");
  const fix = sources.gnss.latestFix();
  return {
    state: fr.state,
    summary: { fr: fr.summary, en: en.summary },
    lastFixAt: fr.secondsSinceFix === null ? null : now - fr.secondsSinceFix * 1000,
    fix:
      fix === null
        ? null
        : {
            lat: fix.lat,
            lon: fix.lon,
            fixTime: fix.fixTime,
            quality: fix.fix,
            speed: fix.speed ?? null,
            heading: fix.heading ?? null,
            sats: fix.sats ?? null,
          },
  };
}

function dispatchState(sources: KioskStateSources): UiState["dispatch"] {
  const link = sources.dispatch.status();
  return {
    state: link.state,
    since: link.since,
    retryInMs: link.state === "offline" ? link.retryInMs : null,
    pending: sources.dispatch.pendingCount(),
  };
}

function equipmentState(sources: KioskStateSources): UiState["equipment"] {
  const equipment = sources.equipment;
  if (equipment === null) return null;
  const verdict = equipment.verdict();
  const link = equipment.link();
  return {
    readiness: verdict.readiness,
    link: { state: link.state, since: link.since },
    items: verdict.items.map((item) => ({
      id: item.id,
      kind: item.kind,
      label: equipment.labels.get(item.id) ?? kindSubjects[item.kind] ?? { fr: item.id, en: item.id },
      state: item.state,
      reasons: item.findings.map((finding) => ({ fr: finding.text.fr, en: finding.text.en })),
      checkedAt: item.checkedAt ?? null,
    })),
  };
}

function alarmsState(sources: KioskStateSources): UiState["alarms"] {
  if (sources.alarms === null) return null;
  const overview = sources.alarms.active();
  const lone = overview.loneWorker;
  return {
    cancelNeedsPin: sources.alarms.cancelNeedsPin,
    alarms: overview.alarms.map((alarm) => ({
      alarmId: alarm.alarmId,
      kind: alarm.kind,
      phase: alarm.phase,
      label: { fr: alarm.labels.fr, en: alarm.labels.en },
      raisedAt: alarm.raisedAt,
      delivery: alarm.delivery,
    })),
    loneWorker: {
      phase: lone.phase,
      label: { fr: lone.labels.fr, en: lone.labels.en },
      dueAt: lone.dueAt,
      countdownEndsAt: lone.countdownEndsAt,
    },
  };
}

function missionView(sources: KioskStateSources, mission: MissionRecord): UiMission {
  const timeline = sources.missions.desk.timeline(mission.id);
  const report = mission.reportMessageId === null ? null : sources.missions.reports.get(mission.id);
  const { details } = mission;
  return {
    id: mission.id,
    state: mission.state,
    priority: details.priority,
    reason: details.reason,
    address: { ...details.address },
    ...(details.patient === undefined ? {} : { patient: { ...details.patient } }),
    ...(details.callback === undefined ? {} : { callback: details.callback }),
    ...(details.notes === undefined ? {} : { notes: details.notes }),
    ...(details.caseId === undefined ? {} : { caseId: details.caseId }),
    assignedAt: mission.assignedAt,
    updatedAt: mission.updatedAt,
    endedAt: mission.endedAt,
    cancelReason: mission.cancelReason,
    declineReason: mission.declineReason,
    updates: timeline
      .filter((entry) => entry.kind === "lifecycle" && entry.state === "updated")
      .map((entry) => ({ at: entry.at, fields: entry.note })),
    timeline: timeline.map((entry) => ({
      kind: entry.kind,
      state: entry.state,
      at: entry.at,
      note: entry.note,
      delivery: entry.delivery,
    })),
    report: report === null ? null : { outcome: report.outcome, delivery: report.delivery },
  };
}
