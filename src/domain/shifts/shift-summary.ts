/**
 * The shift summary (issue 10, "Shift end"), computed from what the car stored during the shift:
 *   - missions with the time each step was first reached (mission-times.ts), and their outcome;
 *   - time spent in each radio status, from the status history;
 *   - distance driven (track-distance.ts);
 *   - alarms raised;
 *   - consumables used, from the visit reports, which make the technician's restock list.
 * It holds no patient data (no name, address or report summary): it is kept in the shift history
 * long after the missions' patient data is purged (DESIGN.md §4), and sent to dispatch.
 */
import { type VisitTimes, visitTimes } from "../missions/mission-times.ts";
import type { StatusKey } from "../radio-status.ts";

export interface StatusChange {
  readonly key: StatusKey;
  readonly at: number;
}

export interface StatusTime {
  readonly key: StatusKey;
  readonly ms: number;
}

/**
 * Time in each status over [from, to]. `initial` is the status the car was in at `from` (the one
 * current at sign-in), or null. `call_request` never changes the status (PROTOCOL.md A), so it is
 * skipped. Order: by first appearance, so the summary reads like the shift.
 */
export function timePerStatus(
  changes: readonly StatusChange[],
  from: number,
  to: number,
  initial: StatusKey | null,
): StatusTime[] {
  const totals = new Map<StatusKey, number>();
  let current = initial;
  let since = from;
  const sorted = changes
    .filter((change) => change.key !== "call_request" && change.at >= from && change.at <= to)
    .sort((a, b) => a.at - b.at);
  for (const change of sorted) {
    if (current !== null) totals.set(current, (totals.get(current) ?? 0) + (change.at - since));
    current = change.key;
    since = change.at;
  }
  if (current !== null) totals.set(current, (totals.get(current) ?? 0) + Math.max(0, to - since));
  return [...totals].map(([key, ms]) => ({ key, ms }));
}

export interface Consumable {
  readonly item: string;
  readonly qty: number;
}

/**
 * The technician's restock list: consumables of every visit, added up by item. Items are typed by
 * doctors, so "Compresses " and "compresses" are one item (trimmed, case and accents kept apart
 * only by case-folding); the first spelling is kept.
 */
export function restockList(consumables: Iterable<Consumable>): Consumable[] {
  const byKey = new Map<string, { item: string; qty: number }>();
  for (const { item, qty } of consumables) {
    const name = item.trim().replace(/\s+/g, " ");
    if (name === "" || !(qty > 0)) continue;
    const key = name.toLocaleLowerCase("fr");
    const entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, { item: name, qty });
    else entry.qty += qty;
  }
  // Quantities are decimals (0.5 ampoule): round away binary noise such as 0.30000000000000004.
  return [...byKey.values()]
    .map((entry) => ({ item: entry.item, qty: Math.round(entry.qty * 1000) / 1000 }))
    .sort((a, b) => a.item.localeCompare(b.item, "fr"));
}

export interface MissionInput {
  readonly missionId: string;
  readonly priority: string;
  readonly state: string;
  /** The mission's timeline (acks, statuses, lifecycle). */
  readonly timeline: ReadonlyArray<{ readonly state: string; readonly at: number }>;
  readonly outcome: string | null;
  readonly consumables: readonly Consumable[];
}

export interface MissionSummary {
  readonly missionId: string;
  readonly priority: string;
  readonly state: string;
  readonly outcome: string | null;
  readonly times: VisitTimes;
}

export interface AlarmInput {
  readonly alarmId: string;
  readonly kind: string;
  readonly raisedAt: number;
  readonly acknowledgedAt: number | null;
  readonly cancelledAt: number | null;
}

export interface ShiftSummary {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly distanceM: number;
  readonly statusTimes: readonly StatusTime[];
  readonly missions: readonly MissionSummary[];
  readonly alarms: readonly AlarmInput[];
  readonly restock: readonly Consumable[];
}

export interface SummaryInput {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly distanceM: number;
  readonly initialStatus: StatusKey | null;
  readonly statusChanges: readonly StatusChange[];
  readonly missions: readonly MissionInput[];
  readonly alarms: readonly AlarmInput[];
}

export function summarizeShift(input: SummaryInput): ShiftSummary {
  const missions = [...input.missions].sort(
    (a, b) => (a.timeline[0]?.at ?? 0) - (b.timeline[0]?.at ?? 0) || a.missionId.localeCompare(b.missionId),
  );
  return {
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    distanceM: Math.round(input.distanceM),
    statusTimes: timePerStatus(input.statusChanges, input.startedAt, input.endedAt, input.initialStatus),
    missions: missions.map((mission) => ({
      missionId: mission.missionId,
      priority: mission.priority,
      state: mission.state,
      outcome: mission.outcome,
      times: visitTimes(mission.timeline),
    })),
    alarms: [...input.alarms].sort((a, b) => a.raisedAt - b.raisedAt),
    restock: restockList(missions.flatMap((mission) => mission.consumables)),
  };
}
