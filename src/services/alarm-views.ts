/**
 * What the alarm service shows the UI (and the outcomes of the doctor's actions), kept apart from the
 * service so that it stays a list of plain values the API can send as JSON. Text is French first,
 * with English beside it.
 */
import type { Alarm, AlarmKind, AlarmPhase } from "../domain/alarms/alarm.ts";
import type { LoneWorkerRefusal, LoneWorkerState } from "../domain/alarms/lone-worker.ts";
import type { AlarmEventRecord, AlarmEventRole } from "./alarm-store.ts";
import type { DeliveryLog, DeliveryState } from "./outbox.ts";

export interface Labels {
  readonly fr: string;
  readonly en: string;
}

export interface AlarmEventView {
  eventId: string;
  role: AlarmEventRole;
  at: number;
  /** null once the delivery state was pruned (after a week). */
  delivery: DeliveryState | null;
}

export interface AlarmView {
  alarmId: string;
  kind: AlarmKind;
  phase: AlarmPhase;
  labels: Labels;
  raisedAt: number;
  acknowledgedAt: number | null;
  nextRepeatAt: number | null;
  repeats: number;
  /** The furthest any of its events got: "received" as soon as dispatch acked one of them. */
  delivery: DeliveryState | null;
  /** The first event and the latest ones (the repeats in between say nothing more). */
  events: AlarmEventView[];
}

export interface LoneWorkerView {
  phase: LoneWorkerState["phase"];
  labels: Labels;
  /** When the timer runs out (running), or ran out (pre_alarm). */
  dueAt: number | null;
  /** End of the pre-alarm countdown, and what is left of it, while it shows. */
  countdownEndsAt: number | null;
  countdownRemainingMs: number | null;
}

export interface AlarmOverview {
  alarms: AlarmView[];
  loneWorker: LoneWorkerView;
}

export type AlarmRefusalCode = "wrong_pin" | "unknown_alarm" | "already_cancelled";

export type CancelOutcome =
  | { ok: true; alarm: AlarmView }
  | { ok: false; code: AlarmRefusalCode; fr: string; en: string };

export type LoneWorkerOutcome =
  | { ok: true; loneWorker: LoneWorkerView }
  | ({ ok: false } & LoneWorkerRefusal);

export const cancelRefusals: Record<AlarmRefusalCode, Labels> = {
  wrong_pin: { fr: "Code incorrect : l'alarme reste active.", en: "Wrong PIN: the alarm stays on." },
  unknown_alarm: { fr: "Alarme inconnue.", en: "Unknown alarm." },
  already_cancelled: { fr: "Cette alarme est déjà annulée.", en: "This alarm is already cancelled." },
};

const alarmLabels: Record<AlarmKind, Record<Exclude<AlarmPhase, "cancelled">, Labels>> = {
  panic: {
    raised: { fr: "Alarme agression envoyée", en: "Panic alarm sent" },
    acknowledged: { fr: "Alarme agression reçue par la régulation", en: "Panic alarm received by dispatch" },
  },
  lone_worker: {
    raised: { fr: "Alarme travailleur isolé envoyée", en: "Lone-worker alarm sent" },
    acknowledged: {
      fr: "Alarme travailleur isolé reçue par la régulation",
      en: "Lone-worker alarm received by dispatch",
    },
  },
};

const loneWorkerLabels: Record<LoneWorkerState["phase"], Labels> = {
  off: { fr: "Minuteur travailleur isolé arrêté", en: "Lone-worker timer off" },
  running: { fr: "Minuteur travailleur isolé en cours", en: "Lone-worker timer running" },
  pre_alarm: {
    fr: "Tout va bien ? L'alarme part à la fin du compte à rebours",
    en: "Are you OK? The alarm goes out when the countdown ends",
  },
  alarmed: { fr: "Alarme travailleur isolé partie", en: "Lone-worker alarm raised" },
};

const deliveryRank: Record<DeliveryState, number> = { queued: 0, sent: 1, received: 2 };

/** How many of the latest events a view lists besides the first one. */
const latestEvents = 3;

export function alarmView(alarm: Alarm, events: AlarmEventRecord[], deliveries: DeliveryLog): AlarmView {
  const shown = events.length <= latestEvents + 1 ? events : [events[0], ...events.slice(-latestEvents)];
  const eventViews = events.map((event) => ({
    ...event,
    delivery: deliveries.stateOf(event.eventId)?.state ?? null,
  }));
  let delivery: DeliveryState | null = null;
  for (const { delivery: state } of eventViews)
    if (state !== null && (delivery === null || deliveryRank[state] > deliveryRank[delivery]))
      delivery = state;
  const shownIds = new Set(shown.map((event) => event?.eventId));
  return {
    alarmId: alarm.alarmId,
    kind: alarm.kind,
    phase: alarm.phase,
    labels:
      alarm.phase === "cancelled"
        ? { fr: "Alarme annulée", en: "Alarm cancelled" }
        : alarmLabels[alarm.kind][alarm.phase],
    raisedAt: alarm.raisedAt,
    acknowledgedAt: alarm.acknowledgedAt,
    nextRepeatAt: alarm.nextRepeatAt,
    repeats: alarm.repeats,
    delivery,
    events: eventViews.filter((event) => shownIds.has(event.eventId)),
  };
}

export function loneWorkerView(state: LoneWorkerState, now: number): LoneWorkerView {
  const countdownEndsAt = state.phase === "pre_alarm" ? state.countdownEndsAt : null;
  return {
    phase: state.phase,
    labels: loneWorkerLabels[state.phase],
    dueAt: state.phase === "running" || state.phase === "pre_alarm" ? state.dueAt : null,
    countdownEndsAt,
    countdownRemainingMs: countdownEndsAt === null ? null : Math.max(0, countdownEndsAt - now),
  };
}
