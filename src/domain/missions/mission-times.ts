/**
 * Times derived from a mission's timeline: the visit report's times (issue 4, "with times taken from
 * the timeline"), and when a mission's patient data is due for purge.
 */

export interface TimelinePoint {
  /** A mission state (received, accepted, en_route...) or a status key recorded on the timeline. */
  readonly state: string;
  readonly at: number;
}

export interface VisitTimes {
  readonly receivedAt?: number;
  readonly acceptedAt?: number;
  readonly enRouteAt?: number;
  readonly onSceneAt?: number;
  readonly withPatientAt?: number;
  readonly visitDoneAt?: number;
  /** From arrival (or taking charge, when arrival was not pressed) to the end of the visit. */
  readonly visitMinutes?: number;
}

const fields = {
  received: "receivedAt",
  accepted: "acceptedAt",
  en_route: "enRouteAt",
  on_scene: "onSceneAt",
  with_patient: "withPatientAt",
  visit_done: "visitDoneAt",
} as const;

/**
 * The FIRST time each step happened: a doctor sent back on the road (on_scene → en_route → on_scene)
 * arrived at the first on_scene, which is what the patient's doctor and the regulator care about.
 */
export function visitTimes(timeline: readonly TimelinePoint[]): VisitTimes {
  const times: Record<string, number> = {};
  for (const point of [...timeline].sort((a, b) => a.at - b.at)) {
    const field = (fields as Record<string, string>)[point.state];
    if (field !== undefined && times[field] === undefined) times[field] = point.at;
  }
  const start = times.onSceneAt ?? times.withPatientAt;
  const end = times.visitDoneAt;
  if (start !== undefined && end !== undefined && end >= start)
    times.visitMinutes = Math.round((end - start) / 60_000);
  return times as VisitTimes;
}

const hourMs = 3_600_000;

/**
 * When the patient data of an ended mission goes: `hours` after dispatch acknowledged the report
 * (closed), or after the mission was declined or cancelled (no report will come, and a mission the
 * doctor never did must not keep a patient's name longer than one he did).
 */
export function purgeDueAt(endedAt: number, hours: number): number {
  return endedAt + purgeDelayMs(hours);
}

export function purgeDelayMs(hours: number): number {
  return hours * hourMs;
}
