/**
 * Why a doctor's action or a dispatch command was refused, as data and as the sentence the kiosk
 * shows (issue 4: "an invalid transition is a clear error the UI can show, and nothing changes").
 * French first, English beside it; the same text goes to dispatch in a `rejected` reason (English).
 */
import { radioStatusByKey, type StatusKey } from "../radio-status.ts";

export interface LocalizedText {
  readonly fr: string;
  readonly en: string;
}

export type MissionErrorCode =
  | "same_status"
  | "mission_open"
  | "no_active_mission"
  | "wrong_phase"
  | "invalid_transition"
  | "cancel_too_late"
  | "unknown_mission"
  | "duplicate_mission"
  | "other_mission_active"
  | "not_ready"
  | "invalid_input";

export interface MissionError {
  readonly code: MissionErrorCode;
  readonly message: LocalizedText;
}

export function missionError(code: MissionErrorCode, message: LocalizedText): MissionError {
  return { code, message };
}

/** The doctor's label of a status, e.g. { fr: "Sur place", en: "On scene" }. */
export function statusLabel(key: StatusKey): LocalizedText {
  return radioStatusByKey(key)?.labels ?? { fr: key, en: key };
}

export type Result<T> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: MissionError };

export function refused(error: MissionError): { readonly ok: false; readonly error: MissionError } {
  return { ok: false, error };
}
