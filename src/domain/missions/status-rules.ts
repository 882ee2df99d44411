/**
 * Which radio status the doctor may switch to (issue 4, "the allowed transitions"), from the current
 * status and the mission being worked on (at most one accepted mission at a time).
 *
 * The rules, in the order they are checked:
 *   1. `emergency` (0) is always allowed: danger never waits for a rule. Only pressing it twice is
 *      refused, as a no-op.
 *   2. `call_request` (5) is always allowed and leaves the status unchanged: PROTOCOL.md says it is a
 *      request, as FMS status 5 is ("Sprechwunsch").
 *   3. The current status again is refused as a no-op ("déjà Sur place"), so that a double tap never
 *      sends two statuses.
 *   4. `available`, `at_base` and `unavailable` are refused while a mission is accepted and not yet
 *      visit_done. A cancelled mission is no longer open, so they are allowed again after a cancel.
 *   5. The field statuses (en_route, on_scene, with_patient, visit_done) need an accepted mission and
 *      follow its lifecycle (mission-lifecycle.ts): on_scene needs an accepted mission (en route or
 *      not), with_patient needs on_scene, visit_done needs on_scene or with_patient, en_route is
 *      allowed again from on_scene. They advance the mission. Going back to the mission's own phase
 *      after an interlude (samu_backup, emergency) is allowed and does not advance it.
 *   6. `samu_backup` (9) needs the doctor with the patient or on scene: SMUR backup is asked for a patient.
 */
import { radioStatusByKey, type StatusKey } from "../radio-status.ts";
import { type MissionError, missionError, statusLabel } from "./mission-errors.ts";
import {
  type ActivePhase,
  type MissionEvent,
  missionStateLabels,
  missionTransitions,
} from "./mission-lifecycle.ts";

export interface ActiveMission {
  readonly id: string;
  readonly phase: ActivePhase;
}

export interface StatusSituation {
  /** null before the first status of this car. */
  readonly current: StatusKey | null;
  readonly activeMission: ActiveMission | null;
}

export type StatusDecision =
  | {
      readonly ok: true;
      /** False for call_request: it is sent, but the current status stays. */
      readonly changesStatus: boolean;
      /** The mission this status belongs to (sent as `missionId`). */
      readonly missionId: string | null;
      /** The lifecycle event this status applies to the mission, if it advances it. */
      readonly missionEvent: MissionEvent | null;
    }
  | { readonly ok: false; readonly error: MissionError };

type FieldStatus = "en_route" | "on_scene" | "with_patient" | "visit_done";
const fieldStatuses: ReadonlySet<StatusKey> = new Set<StatusKey>([
  "en_route",
  "on_scene",
  "with_patient",
  "visit_done",
]);
const freeStatuses: ReadonlySet<StatusKey> = new Set<StatusKey>(["available", "at_base", "unavailable"]);

function refuse(error: MissionError): StatusDecision {
  return { ok: false, error };
}

function allow(
  missionId: string | null,
  missionEvent: MissionEvent | null,
  changesStatus = true,
): StatusDecision {
  return { ok: true, changesStatus, missionId, missionEvent };
}

export function decideStatus(situation: StatusSituation, requested: StatusKey): StatusDecision {
  const { current, activeMission } = situation;
  const missionId = activeMission?.id ?? null;
  const label = statusLabel(requested);
  if (requested === "emergency" && current !== "emergency") return allow(missionId, null);
  if (requested === "call_request") return allow(missionId, null, false);
  if (requested === current)
    return refuse(
      missionError("same_status", {
        fr: `Déjà en statut « ${label.fr} »`,
        en: `Already in status "${label.en}"`,
      }),
    );
  if (freeStatuses.has(requested)) {
    if (activeMission === null) return allow(null, null);
    return refuse(
      missionError("mission_open", {
        fr: `« ${label.fr} » impossible : la mission ${activeMission.id} est en cours (terminez-la ou attendez son annulation)`,
        en: `"${label.en}" is not possible: mission ${activeMission.id} is in progress (finish it or wait for its cancellation)`,
      }),
    );
  }
  if (activeMission === null)
    return refuse(
      missionError("no_active_mission", {
        fr: `« ${label.fr} » impossible : aucune mission acceptée`,
        en: `"${label.en}" is not possible: no accepted mission`,
      }),
    );
  const phase = missionStateLabels[activeMission.phase];
  if (fieldStatuses.has(requested)) {
    const field = requested as FieldStatus;
    if (activeMission.phase === field) return allow(missionId, null);
    if (missionTransitions[activeMission.phase][field] !== undefined) return allow(missionId, field);
  } else if (activeMission.phase === "on_scene" || activeMission.phase === "with_patient") {
    return allow(missionId, null); // samu_backup
  }
  return refuse(
    missionError("wrong_phase", {
      fr: `« ${label.fr} » impossible maintenant : la mission ${activeMission.id} est « ${phase.fr} »`,
      en: `"${label.en}" is not possible now: mission ${activeMission.id} is "${phase.en}"`,
    }),
  );
}

/** The wire code of a status key (the status table is the single source). */
export function statusCode(key: StatusKey): number {
  const status = radioStatusByKey(key);
  if (status === null) throw new RangeError(`unknown status key ${key}`);
  return status.code;
}
