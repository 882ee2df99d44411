/**
 * The ports and records of doctors' shifts (issue 10), implemented by src/store/shift-repository.ts
 * (SQLite, migration 7). Every write runs inside the caller's UnitOfWork with the outbox message it
 * causes (DESIGN.md §3).
 */
import type { LockoutState } from "../domain/lockout.ts";
import type { ShiftSummary } from "../domain/shifts/shift-summary.ts";
import type { StoredPin } from "./check-ports.ts";

/** Where a doctor's entry came from: the vehicle profile, dispatch's `roster`, or a sign-in the policy allowed. */
export type DoctorSource = "profile" | "roster" | "walk_in";

export interface DoctorRecord extends LockoutState {
  rpps: string;
  name: string;
  source: DoctorSource;
  /** False once a newer roster left them out: they may no longer sign in (unless unknown doctors may). */
  inRoster: boolean;
  /** null until a PIN is enrolled (CLI) or given by the roster. */
  pin: StoredPin | null;
  updatedAt: number;
}

export interface ShiftStartCheck {
  checkId: string;
  result: "pass" | "fail";
  notes?: string;
  /** The `check` event that carried it. */
  messageId: string;
}

export interface ShiftRecord {
  shiftId: string;
  rpps: string;
  /** The name as signed in. */
  doctorName: string;
  startedAt: number;
  endedAt: number | null;
  /** The last track point id before sign-in: the summary reads the track after it. */
  trackFromId: number;
  /** The doctor's shift-start checklist, when they answered it. */
  shiftStart: { at: number; results: ShiftStartCheck[] } | null;
  summary: ShiftSummary | null;
  startMessageId: string;
  endMessageId: string | null;
}

export interface RosterSettings {
  /** null: the config's `shifts.allowUnknownDoctors` applies. */
  allowUnknown: boolean | null;
  /** When the roster was last replaced, and by what. */
  updatedAt: number | null;
  source: "profile" | "roster" | null;
}

export interface DoctorStore {
  doctor(rpps: string): DoctorRecord | null;
  /** Everyone, roster first, by name. */
  doctors(): DoctorRecord[];
  upsertDoctor(doctor: DoctorRecord): void;
  setAttempts(rpps: string, state: LockoutState): void;
  setPin(rpps: string, pin: StoredPin, at: number): void;
  /** Marks everyone not in `keep` as out of the roster; returns how many changed. */
  retireOthers(keep: readonly string[], at: number): number;
  rosterSettings(): RosterSettings;
  saveRosterSettings(settings: RosterSettings): void;
}

export interface ShiftStore {
  /** The shift not ended yet, if any (at most one). */
  open(): ShiftRecord | null;
  get(shiftId: string): ShiftRecord | null;
  insert(shift: ShiftRecord): void;
  recordShiftStart(shiftId: string, at: number, results: readonly ShiftStartCheck[]): void;
  end(shiftId: string, endedAt: number, summary: ShiftSummary, endMessageId: string): void;
  /** Shifts started in [from, to), newest first. */
  history(range?: { from?: number; to?: number; limit?: number }): ShiftRecord[];
}

/** A raised alarm as the summary reads it (the alarms' table, read-only). */
export interface AlarmRecordForSummary {
  alarmId: string;
  kind: string;
  raisedAt: number;
  acknowledgedAt: number | null;
  cancelledAt: number | null;
}

export interface ShiftAlarmSource {
  /** Alarms raised in [from, to]. */
  raisedBetween(from: number, to: number): AlarmRecordForSummary[];
}
