/**
 * The shift-start checklist at sign-in (issue 10, "Shift start"): the vehicle profile's `shiftStart`
 * checklist (the equipment issue's) is shown to the doctor unless a technician signed it within the
 * last `validHours` (12 by default: a technician who checked the car for the evening shift covers
 * it, yesterday morning's check does not). Exactly `validHours` old still counts.
 *
 * Its result, with the equipment's readiness verdict, decides whether `available` is allowed
 * (shift-gate.ts):
 *   not_required   the profile has no shift-start checklist
 *   covered        a technician's run within the window; `failed` lists its failed items
 *   done           the doctor answered it during this shift; `failed` likewise
 *   pending        nobody did it: the doctor must, before being available (or is warned)
 */
import type { LocalizedText } from "../equipment/readiness-labels.ts";

export interface ShiftStartItem {
  readonly id: string;
  readonly label: LocalizedText;
  readonly equipmentId?: string;
}

/** A signed shift-start checklist: when, and which items failed. */
export interface ShiftStartRun {
  readonly at: number;
  readonly failed: readonly string[];
  /** Who signed: a technician's name, or the doctor's. */
  readonly by: string;
}

export type ShiftStartState =
  | { readonly state: "not_required" }
  | { readonly state: "covered"; readonly run: ShiftStartRun; readonly validUntil: number }
  | { readonly state: "done"; readonly run: ShiftStartRun }
  | { readonly state: "pending"; readonly items: readonly ShiftStartItem[] };

export interface ShiftStartInput {
  readonly items: readonly ShiftStartItem[];
  /** The newest technician shift-start run, if any. */
  readonly technicianRun: ShiftStartRun | null;
  /** The doctor's own run during the current shift, if any. */
  readonly doctorRun: ShiftStartRun | null;
  readonly now: number;
  readonly validHours: number;
}

const hourMs = 3_600_000;

/** Whether a technician's run at `at` still covers a sign-in at `now`. A run "in the future" (clock corrected backwards) counts. */
export function withinWindow(at: number, now: number, validHours: number): boolean {
  return now - at <= validHours * hourMs;
}

export function shiftStartState(input: ShiftStartInput): ShiftStartState {
  if (input.items.length === 0) return { state: "not_required" };
  if (input.doctorRun !== null) return { state: "done", run: input.doctorRun };
  const run = input.technicianRun;
  if (run !== null && withinWindow(run.at, input.now, input.validHours))
    return { state: "covered", run, validUntil: run.at + input.validHours * hourMs };
  return { state: "pending", items: input.items };
}

/** The checklist to show at sign-in, or null when none is needed. */
export function checklistToShow(state: ShiftStartState): readonly ShiftStartItem[] | null {
  return state.state === "pending" ? state.items : null;
}
