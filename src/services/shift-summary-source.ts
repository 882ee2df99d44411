/**
 * Gathers what the shift summary is computed from (issue 10, "Shift end"), through the ports the
 * other features already expose, and hands it to the pure `summarizeShift` (src/domain/shifts):
 *   statuses   the status board's history (newest first; read back to the status current at sign-in)
 *   missions   the mission desk: every mission with a timeline step inside the shift, its report
 *   track      the stored track after the last point before sign-in, up to sign-out (paged)
 *   alarms     raised during the shift (read-only from the alarms' table)
 */

import type { StatusKey } from "../domain/radio-status.ts";
import { type MissionInput, type ShiftSummary, summarizeShift } from "../domain/shifts/shift-summary.ts";
import { DistanceAccumulator } from "../domain/shifts/track-distance.ts";
import type { MissionRecord, StatusRecord, TimelineEntry, VisitReportRecord } from "./mission-ports.ts";
import type { ShiftAlarmSource } from "./shift-ports.ts";
import type { TrackStore } from "./track-store.ts";

export interface ShiftSummarySources {
  statuses: { history(limit: number): StatusRecord[] };
  missions: {
    list(limit: number): MissionRecord[];
    timeline(missionId: string): TimelineEntry[];
  };
  reports: { get(missionId: string): Pick<VisitReportRecord, "outcome" | "consumables"> | null };
  track: Pick<TrackStore, "range" | "latest">;
  alarms: ShiftAlarmSource;
}

/** A shift has far fewer statuses and missions than this; more would be read in vain. */
const historyLimit = 2000;
const missionLimit = 500;
const trackPage = 2000;

export function distanceDrivenM(
  track: Pick<TrackStore, "range">,
  afterId: number,
  from: number,
  to: number,
): number {
  const accumulator = new DistanceAccumulator();
  let next = afterId + 1;
  for (;;) {
    const page = track.range(next, trackPage);
    for (const point of page) {
      if (point.receivedAt > to) return accumulator.metres();
      if (point.receivedAt >= from) accumulator.add(point.fix);
    }
    const last = page.at(-1);
    if (last === undefined || page.length < trackPage) return accumulator.metres();
    next = last.id + 1;
  }
}

export function buildShiftSummary(
  sources: ShiftSummarySources,
  shift: { startedAt: number; endedAt: number; trackFromId: number },
): ShiftSummary {
  const { startedAt, endedAt } = shift;
  const history = sources.statuses.history(historyLimit);
  const real = history.filter((status) => status.key !== "call_request");
  const initial: StatusKey | null = real.find((status) => status.since <= startedAt)?.key ?? null;
  // Oldest first: two statuses in the same millisecond (visit_done, then available) keep their order.
  const statusChanges = real
    .filter((status) => status.since > startedAt && status.since <= endedAt)
    .map((status) => ({ key: status.key, at: status.since }))
    .reverse();

  const missions: MissionInput[] = [];
  for (const mission of sources.missions.list(missionLimit)) {
    if (mission.assignedAt > endedAt) continue;
    const timeline = sources.missions.timeline(mission.id);
    if (!timeline.some((step) => step.at >= startedAt && step.at <= endedAt)) continue;
    const report = sources.reports.get(mission.id);
    missions.push({
      missionId: mission.id,
      priority: mission.details.priority,
      state: mission.state,
      timeline: timeline.map((step) => ({ state: step.state, at: step.at })),
      outcome: report?.outcome ?? null,
      consumables: report?.consumables ?? [],
    });
  }

  return summarizeShift({
    startedAt,
    endedAt,
    distanceM: distanceDrivenM(sources.track, shift.trackFromId, startedAt, endedAt),
    initialStatus: initial,
    statusChanges,
    missions,
    alarms: sources.alarms.raisedBetween(startedAt, endedAt),
  });
}
