/**
 * Radio statuses → Hub Santé RS-SR (`resourcesStatus`), as a pure step over one car's state.
 *
 * The status table (PROTOCOL.md A, src/domain/radio-status.ts `rsSr`) says what each status means in
 * RS-SR. What the table leaves open, decided here:
 *
 * | car status                     | RS-SR                                                          |
 * |--------------------------------|----------------------------------------------------------------|
 * | en_route, on_scene, with_patient, visit_done, samu_backup | DEPART, ARRIVEE, PEC, FINPEC, ORIENTAT; availability absent (unknown) |
 * | available / at_base            | RETOUR / RET-BASE, availability true; closes the car's case    |
 * | unavailable                    | the last RS-SR status of the open case again, availability false |
 * | call_request                   | nothing: a request, the status does not change (PROTOCOL.md)   |
 * | emergency                      | nothing: an alarm goes out instead (PROTOCOL.md); remembered for GEO-POS |
 *
 * - `caseId` is required by RS-SR. A field status carries its mission, hence its case. A status
 *   without a mission (available, at_base, unavailable) belongs to the case the car is still on: the
 *   return to availability after FINPEC is the last step of that case. Without an open case (a car
 *   that had no mission since the gateway started, or already back) nothing is sent: RS-SR reports
 *   a resource's progress on a case, and GEO-POS still carries its availability.
 * - `unavailable` only changes availability (PROTOCOL.md), but RS-SR requires a status: the case's
 *   last one is repeated with `availability: false` (FINPEC then unavailable, say).
 * - The same RS-SR twice in a row (same case, status and availability) is sent once: the car
 *   publishes its status again after a `call_request`, on `status.request`, and after an emergency
 *   when the doctor goes back to the mission's phase; SAMU must not see DEPART twice.
 * - `state.datetime` is when the car entered the status (`since`, the doctor's touch), in local
 *   time with its offset (hub-date-time.ts).
 * - Order: the caller plays a car's statuses in the car's order (its outbox `seq`). A status older
 *   than one already played (lower `seq` and earlier `since`: it reached dispatch late) does not
 *   change the state, which describes the present; it is still sent when it stands on its own (a
 *   field status with its mission's case), since SAMU orders statuses by their datetime. A lower
 *   `seq` with a later `since` is a car that started its numbering again (a new database), not late.
 */
import type { RsSrStatus, StatusKey } from "../radio-status.ts";
import { radioStatusByKey } from "../radio-status.ts";
import { hubDateTime } from "./hub-date-time.ts";

export interface ResourcesStatus {
  caseId: string;
  resourceId: string;
  state: { datetime: string; status: RsSrStatus; availability?: boolean };
}

/** What the gateway remembers per car between two statuses (stored as JSON by dispatch). */
export interface HubCarState {
  /** The car's status, not counting call_request and emergency (which do not replace it). */
  statusKey: StatusKey | null;
  /** An emergency is on (until the next real status). */
  emergency: boolean;
  /** The case the car is working on, until it is back available. */
  caseId: string | null;
  /** The last RS-SR sent for this car. */
  lastSent: { caseId: string; status: RsSrStatus; availability: boolean | null } | null;
  /** The newest status played: its car `seq` and its `since` (epoch ms). */
  lastSeq?: number | null;
  lastSince?: number | null;
}

export const initialHubCarState: HubCarState = {
  statusKey: null,
  emergency: false,
  caseId: null,
  lastSent: null,
  lastSeq: null,
  lastSince: null,
};

export interface StatusEvent {
  key: StatusKey;
  /** When the car entered it, epoch ms. */
  since: number;
  /** The car's outbox `seq`, when the message had one. */
  seq?: number | null;
  /** The case of the status's mission (resolved by the caller), null for a status without mission. */
  caseId: string | null;
}

export type RsSrOutcome =
  | "sent"
  | "late"
  | "late_skipped"
  | "request"
  | "emergency"
  | "no_case"
  | "no_status"
  | "unchanged";

export interface RsSrStep {
  state: HubCarState;
  message: ResourcesStatus | null;
  outcome: RsSrOutcome;
}

export interface RsSrContext {
  resourceId: string;
  timeZone: string;
}

function isLate(state: HubCarState, event: StatusEvent): boolean {
  const lastSince = state.lastSince ?? null;
  const lastSeq = state.lastSeq ?? null;
  const seq = event.seq ?? null;
  if (lastSince === null || event.since >= lastSince) return false;
  // An earlier `since` with a higher seq: a status published again (after call_request), in order.
  return lastSeq === null || seq === null || seq < lastSeq;
}

/** A late status, on its own: its mission's case and its own status, or nothing. */
function lateStep(state: HubCarState, event: StatusEvent, context: RsSrContext): RsSrStep {
  const status = radioStatusByKey(event.key)?.rsSr.status ?? null;
  if (status === null || event.caseId === null) return { state, message: null, outcome: "late_skipped" };
  const datetime = hubDateTime(event.since, context.timeZone);
  return {
    state,
    outcome: "late",
    message: { caseId: event.caseId, resourceId: context.resourceId, state: { datetime, status } },
  };
}

export function rsSrStep(state: HubCarState, event: StatusEvent, context: RsSrContext): RsSrStep {
  if (isLate(state, event)) return lateStep(state, event, context);
  const played: HubCarState = {
    ...state,
    lastSeq: event.seq ?? state.lastSeq ?? null,
    lastSince: Math.max(event.since, state.lastSince ?? event.since),
  };
  if (event.key === "call_request") return { state: played, message: null, outcome: "request" };
  if (event.key === "emergency")
    return { state: { ...played, emergency: true }, message: null, outcome: "emergency" };
  const mapping = radioStatusByKey(event.key)?.rsSr ?? { status: null, availability: null };
  const caseId = event.caseId ?? state.caseId;
  const next: HubCarState = { ...played, statusKey: event.key, emergency: false, caseId };
  if (caseId === null) return { state: next, message: null, outcome: "no_case" };
  const last = state.lastSent?.caseId === caseId ? state.lastSent : null;
  const status = mapping.status ?? last?.status ?? null;
  if (status === null) return { state: next, message: null, outcome: "no_status" };
  const availability = mapping.availability;
  // Back available: the resource is done with this case.
  if (availability === true) next.caseId = null;
  if (last !== null && last.status === status && last.availability === availability)
    return { state: next, message: null, outcome: "unchanged" };
  next.lastSent = { caseId, status, availability };
  return {
    state: next,
    outcome: "sent",
    message: {
      caseId,
      resourceId: context.resourceId,
      state: {
        datetime: hubDateTime(event.since, context.timeZone),
        status,
        ...(availability === null ? {} : { availability }),
      },
    },
  };
}
