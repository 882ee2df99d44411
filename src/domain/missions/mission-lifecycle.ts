/**
 * The mission lifecycle (issue 4, PROTOCOL.md A "Radio statuses"):
 *
 *   assigned → received → displayed → accepted | declined
 *   accepted → en_route → on_scene → with_patient → visit_done → reported → closed
 *
 * - `received` is automatic (the car stores the assignment and acknowledges it in one transaction);
 *   `displayed` when the doctor has seen it; then `accepted` or `declined`.
 * - The field statuses (en_route, on_scene, with_patient, visit_done) are the doctor's status keys:
 *   the status board moves the mission with them (see status-rules.ts).
 * - `on_scene → en_route` is allowed: a wrong address or a patient who moved sends the doctor back
 *   on the road. `on_scene → visit_done` is allowed too: nobody at the door (outcome `no_patient`).
 * - `mission.cancel` is accepted at any point before visit_done (PROTOCOL.md A); after it, the visit
 *   happened and the report is what ends the mission.
 * - `mission.update` merges fields until the report is sent (mission-details.ts).
 * - `closed` when dispatch acknowledges the report (its own `ack`, not the broker's PUBACK).
 */
import { type LocalizedText, type MissionError, missionError } from "./mission-errors.ts";

export const missionStates = [
  "assigned",
  "received",
  "displayed",
  "accepted",
  "declined",
  "en_route",
  "on_scene",
  "with_patient",
  "visit_done",
  "reported",
  "closed",
  "cancelled",
] as const;
export type MissionState = (typeof missionStates)[number];

export const missionEvents = [
  "receive",
  "display",
  "accept",
  "decline",
  "en_route",
  "on_scene",
  "with_patient",
  "visit_done",
  "report",
  "report_acknowledged",
  "cancel",
  "update",
] as const;
export type MissionEvent = (typeof missionEvents)[number];

/** The field phases: an accepted mission the doctor is working on. Only one at a time. */
export type ActivePhase = "accepted" | "en_route" | "on_scene" | "with_patient";
const activePhases: ReadonlySet<MissionState> = new Set(["accepted", "en_route", "on_scene", "with_patient"]);

const updatable = { update: "same" } as const;
const cancellable = { cancel: "cancelled" } as const;

/** Every allowed (state, event) pair; anything absent is refused. "same" keeps the state. */
export const missionTransitions: Readonly<
  Record<MissionState, Readonly<Partial<Record<MissionEvent, MissionState | "same">>>>
> = {
  assigned: { receive: "received", ...updatable, ...cancellable },
  received: { display: "displayed", ...updatable, ...cancellable },
  displayed: { accept: "accepted", decline: "declined", ...updatable, ...cancellable },
  accepted: { en_route: "en_route", on_scene: "on_scene", ...updatable, ...cancellable },
  en_route: { on_scene: "on_scene", ...updatable, ...cancellable },
  on_scene: {
    en_route: "en_route",
    with_patient: "with_patient",
    visit_done: "visit_done",
    ...updatable,
    ...cancellable,
  },
  with_patient: { visit_done: "visit_done", ...updatable, ...cancellable },
  visit_done: { report: "reported", ...updatable },
  reported: { report_acknowledged: "closed" },
  closed: {},
  declined: {},
  cancelled: {},
};

export const missionStateLabels: Readonly<Record<MissionState, LocalizedText>> = {
  assigned: { fr: "assignée", en: "assigned" },
  received: { fr: "reçue", en: "received" },
  displayed: { fr: "affichée", en: "displayed" },
  accepted: { fr: "acceptée", en: "accepted" },
  declined: { fr: "refusée", en: "declined" },
  en_route: { fr: "en route", en: "en route" },
  on_scene: { fr: "sur place", en: "on scene" },
  with_patient: { fr: "en prise en charge", en: "with the patient" },
  visit_done: { fr: "visite terminée", en: "visit done" },
  reported: { fr: "compte rendu envoyé", en: "report sent" },
  closed: { fr: "clôturée", en: "closed" },
  cancelled: { fr: "annulée", en: "cancelled" },
};

const eventLabels: Readonly<Record<MissionEvent, LocalizedText>> = {
  receive: { fr: "réception", en: "receive" },
  display: { fr: "affichage", en: "display" },
  accept: { fr: "accepter", en: "accept" },
  decline: { fr: "refuser", en: "decline" },
  en_route: { fr: "En route", en: "En route" },
  on_scene: { fr: "Sur place", en: "On scene" },
  with_patient: { fr: "Prise en charge", en: "With patient" },
  visit_done: { fr: "Fin de visite", en: "Visit done" },
  report: { fr: "envoyer le compte rendu", en: "send the report" },
  report_acknowledged: { fr: "accusé de réception du compte rendu", en: "report acknowledgement" },
  cancel: { fr: "annulation", en: "cancel" },
  update: { fr: "mise à jour", en: "update" },
};

export type TransitionResult =
  | { readonly ok: true; readonly state: MissionState }
  | { readonly ok: false; readonly error: MissionError };

/** The state after `event`, or a typed error (and the caller changes nothing). */
export function applyMissionEvent(state: MissionState, event: MissionEvent): TransitionResult {
  const next = missionTransitions[state][event];
  if (next !== undefined) return { ok: true, state: next === "same" ? state : next };
  const label = missionStateLabels[state];
  if (event === "cancel" && (state === "visit_done" || state === "reported" || state === "closed"))
    return {
      ok: false,
      error: missionError("cancel_too_late", {
        fr: `La visite est terminée (mission ${label.fr}) : l'annulation n'est plus possible`,
        en: `The visit is over (mission ${label.en}): it can no longer be cancelled`,
      }),
    };
  const action = eventLabels[event];
  return {
    ok: false,
    error: missionError("invalid_transition", {
      fr: `Action « ${action.fr} » impossible : la mission est ${label.fr}`,
      en: `Cannot ${action.en}: the mission is ${label.en}`,
    }),
  };
}

export function isActivePhase(state: MissionState): state is ActivePhase {
  return activePhases.has(state);
}

/** Assigned but not yet answered: the doctor still has to accept or decline it. */
export function isPending(state: MissionState): boolean {
  return state === "assigned" || state === "received" || state === "displayed";
}

/** Nothing more will happen to it (patient data then waits for its purge). */
export function isEnded(state: MissionState): boolean {
  return state === "closed" || state === "declined" || state === "cancelled";
}
