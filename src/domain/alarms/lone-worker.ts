/**
 * The lone-worker timer (issue 4, "Alarms"; DESIGN.md §3 "Lone-worker safety"), as a pure state
 * machine driven by events and `now`.
 *
 *   off ──on_scene──▶ running ──due──▶ pre_alarm ──countdown over──▶ alarmed (a lone_worker alarm)
 *                      ▲  │ extend: +15 min     │ answer / extend / a scene status
 *                      └──┴─────────────────────┘
 *
 * - The timer starts when the status becomes `on_scene` (30 min by default).
 * - A status the doctor taps while on scene (`on_scene`, `with_patient`, `samu_backup`) is a sign of
 *   life: it restarts the full period, as "tout va bien" does. `emergency` and `call_request` leave
 *   the timer alone (an emergency raises its own alarm; a call request is not an answer).
 * - Leaving the scene (`en_route`, `visit_done`, `available`, `at_base`, `unavailable`) stops it.
 * - When it runs out unanswered, a pre-alarm countdown (60 s) is shown; the doctor can still answer.
 * - When the countdown ends, the lone-worker alarm is raised (the caller raises it with alarm.ts).
 *   The timer then waits in `alarmed`: "tout va bien" no longer stops anything (the alarm needs the
 *   PIN), and when that alarm is cancelled while still on scene the timer starts again (`alarm_closed`).
 */
import type { StatusKey } from "../radio-status.ts";

export type LoneWorkerState =
  | { readonly phase: "off" }
  | { readonly phase: "running"; readonly startedAt: number; readonly dueAt: number }
  | { readonly phase: "pre_alarm"; readonly dueAt: number; readonly countdownEndsAt: number }
  | { readonly phase: "alarmed"; readonly since: number };

export interface LoneWorkerSettings {
  readonly periodMs: number;
  readonly extendMs: number;
  readonly preAlarmMs: number;
}

export type LoneWorkerEvent =
  | { readonly type: "status"; readonly key: StatusKey; readonly now: number }
  | { readonly type: "extend"; readonly now: number }
  /** "Tout va bien". */
  | { readonly type: "answer"; readonly now: number }
  | { readonly type: "deadline"; readonly now: number }
  /** The lone-worker alarm was cancelled with the PIN. */
  | { readonly type: "alarm_closed"; readonly now: number };

export type LoneWorkerEffect =
  | { readonly type: "show_countdown"; readonly endsAt: number }
  | { readonly type: "hide_countdown" }
  | { readonly type: "raise_alarm" };

/** Why an action of the doctor did nothing, in the doctor's words (French first). */
export interface LoneWorkerRefusal {
  readonly code: "not_running" | "alarm_raised";
  readonly fr: string;
  readonly en: string;
}

export interface LoneWorkerStep {
  readonly state: LoneWorkerState;
  readonly effects: readonly LoneWorkerEffect[];
  /** When `deadline` must be fed next, or null. */
  readonly deadline: number | null;
  readonly refusal: LoneWorkerRefusal | null;
}

export const loneWorkerOff: LoneWorkerState = { phase: "off" };

const sceneStatuses: ReadonlySet<StatusKey> = new Set<StatusKey>(["on_scene", "with_patient", "samu_backup"]);
const leavingStatuses: ReadonlySet<StatusKey> = new Set<StatusKey>([
  "en_route",
  "visit_done",
  "available",
  "at_base",
  "unavailable",
]);

const refusals = {
  not_running: {
    code: "not_running",
    fr: "Le minuteur travailleur isolé n'est pas en cours (il démarre à « Sur place »).",
    en: "The lone-worker timer is not running (it starts on “On scene”).",
  },
  alarm_raised: {
    code: "alarm_raised",
    fr: "L'alarme travailleur isolé est partie : annulez-la avec le code.",
    en: "The lone-worker alarm has been raised: cancel it with the PIN.",
  },
} as const satisfies Record<string, LoneWorkerRefusal>;

export function loneWorkerDeadline(state: LoneWorkerState): number | null {
  if (state.phase === "running") return state.dueAt;
  if (state.phase === "pre_alarm") return state.countdownEndsAt;
  return null;
}

function step(
  state: LoneWorkerState,
  effects: LoneWorkerEffect[] = [],
  refusal: LoneWorkerRefusal | null = null,
): LoneWorkerStep {
  return { state, effects, deadline: loneWorkerDeadline(state), refusal };
}

function running(now: number, dueAt: number): LoneWorkerState {
  return { phase: "running", startedAt: now, dueAt };
}

/** Leaving the countdown for any reason hides it; the effect says so only if it was shown. */
function leaving(state: LoneWorkerState): LoneWorkerEffect[] {
  return state.phase === "pre_alarm" ? [{ type: "hide_countdown" }] : [];
}

export function stepLoneWorker(
  state: LoneWorkerState,
  event: LoneWorkerEvent,
  settings: LoneWorkerSettings,
): LoneWorkerStep {
  const { now } = event;
  switch (event.type) {
    case "status": {
      if (leavingStatuses.has(event.key)) return step(loneWorkerOff, leaving(state));
      if (!sceneStatuses.has(event.key) || state.phase === "alarmed") return step(state);
      return step(running(now, now + settings.periodMs), leaving(state));
    }
    case "answer": {
      if (state.phase === "off") return step(state, [], refusals.not_running);
      if (state.phase === "alarmed") return step(state, [], refusals.alarm_raised);
      return step(running(now, now + settings.periodMs), leaving(state));
    }
    case "extend": {
      if (state.phase === "off") return step(state, [], refusals.not_running);
      if (state.phase === "alarmed") return step(state, [], refusals.alarm_raised);
      // During the countdown the deadline has passed: extending counts from now.
      const base = state.phase === "running" ? Math.max(state.dueAt, now) : now;
      return step(running(now, base + settings.extendMs), leaving(state));
    }
    case "deadline": {
      if (state.phase === "running" && now >= state.dueAt) {
        const countdownEndsAt = now + settings.preAlarmMs;
        return step({ phase: "pre_alarm", dueAt: state.dueAt, countdownEndsAt }, [
          { type: "show_countdown", endsAt: countdownEndsAt },
        ]);
      }
      if (state.phase === "pre_alarm" && now >= state.countdownEndsAt)
        return step({ phase: "alarmed", since: now }, [{ type: "hide_countdown" }, { type: "raise_alarm" }]);
      return step(state);
    }
    case "alarm_closed": {
      if (state.phase !== "alarmed") return step(state);
      return step(running(now, now + settings.periodMs));
    }
  }
}
