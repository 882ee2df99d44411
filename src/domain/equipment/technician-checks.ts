/**
 * Technician checks and their schedule (issue 5: "an overdue technician check turns its item to
 * warning"; BAVU: "a last manual check older than its schedule is a warning"). The profile's
 * checklists (`checks.shiftStart|weekly|monthly`, src/contracts/vehicle-profile.ts) name the item each
 * check is about (`equipmentId`); the caller passes the latest `check` event (PROTOCOL.md A) per check id.
 *   no check ever recorded           → warning "never done"
 *   latest check older than its period → warning "overdue" (exactly the period is still on time)
 *   latest check failed               → fault: a technician found the item unfit
 * Periods (not in the profile schema yet): shift start 24 h — one shift a day, and a car parked
 * for two days must be checked again before it goes out; weekly 7 days; monthly 31 days, so that a
 * check on the 31st is not overdue on the 30th of the next month.
 */
import type { Finding, LocalizedText } from "./readiness-labels.ts";

export interface TechnicianCheck {
  readonly id: string;
  readonly label: LocalizedText;
  readonly equipmentId?: string;
}

export type CheckSchedule = "shiftStart" | "weekly" | "monthly";
export type Checklists = Readonly<Record<CheckSchedule, { readonly items: readonly TechnicianCheck[] }>>;

/** The latest `check` event of one check: its time (epoch ms) and result. */
export interface CheckRecord {
  readonly at: number;
  readonly result: "pass" | "fail";
}

/**
 * The newest record of each check across several histories: the technicians' runs and the doctors'
 * shift-start checklists answer the same checks, and either one done last is what counts. On a tie
 * a failure wins: it is the safer reading.
 */
export function latestOfChecks(
  ...histories: ReadonlyArray<Readonly<Record<string, CheckRecord>>>
): Record<string, CheckRecord> {
  const latest: Record<string, CheckRecord> = {};
  for (const history of histories) {
    for (const [checkId, record] of Object.entries(history)) {
      const current = latest[checkId];
      if (
        current === undefined ||
        record.at > current.at ||
        (record.at === current.at && record.result === "fail")
      )
        latest[checkId] = record;
    }
  }
  return latest;
}

const hourMs = 3_600_000;
export const defaultCheckPeriodsMs: Readonly<Record<CheckSchedule, number>> = {
  shiftStart: 24 * hourMs,
  weekly: 7 * 24 * hourMs,
  monthly: 31 * 24 * hourMs,
};

const schedules: readonly CheckSchedule[] = ["shiftStart", "weekly", "monthly"];

/** Findings per equipment item id, from the checks that name that item. */
export function assessChecks(
  checks: Checklists,
  lastChecks: Readonly<Record<string, CheckRecord>>,
  now: number,
  periodsMs: Readonly<Record<CheckSchedule, number>> = defaultCheckPeriodsMs,
): Map<string, Finding[]> {
  const byItem = new Map<string, Finding[]>();
  for (const schedule of schedules)
    for (const check of checks[schedule].items) {
      if (check.equipmentId === undefined) continue;
      const last = lastChecks[check.id];
      const findings: Finding[] = [];
      if (last === undefined)
        findings.push({
          state: "warning",
          reason: { code: "check_overdue", check: check.label, ageMs: null },
        });
      else {
        if (last.result === "fail")
          findings.push({ state: "fault", reason: { code: "check_failed", check: check.label } });
        const ageMs = now - last.at;
        if (ageMs > periodsMs[schedule])
          findings.push({ state: "warning", reason: { code: "check_overdue", check: check.label, ageMs } });
      }
      if (findings.length > 0)
        byItem.set(check.equipmentId, [...(byItem.get(check.equipmentId) ?? []), ...findings]);
    }
  return byItem;
}

/** The time of the latest check of each item, for the `checkedAt` of items without a sensor. */
export function lastCheckTimes(
  checks: Checklists,
  lastChecks: Readonly<Record<string, CheckRecord>>,
): Map<string, number> {
  const times = new Map<string, number>();
  for (const schedule of schedules)
    for (const check of checks[schedule].items) {
      const last = lastChecks[check.id];
      if (check.equipmentId === undefined || last === undefined) continue;
      times.set(check.equipmentId, Math.max(times.get(check.equipmentId) ?? last.at, last.at));
    }
  return times;
}
