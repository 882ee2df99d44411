/**
 * The soak's shift, in simulated time (pure: no I/O). A visit every 90 minutes, the first 10 minutes
 * into the shift: dispatch assigns a mission, the doctor accepts it and drives there (15 min), parks,
 * is with the patient for about 25 min, sends the report and becomes available again. Every third
 * visit is in an underground car park (no GNSS fix while parked); every other one has a message each
 * way. The car drives the Bordeaux loop between visits (patrolling, going back to base...).
 */
import type { StatusKey } from "../../../src/domain/radio-status.ts";
import type { Motion } from "../../support/soak-feeder.ts";

const minute = 60_000;

export interface Visit {
  index: number;
  assignAt: number;
  acceptAt: number;
  onSceneAt: number;
  withPatientAt: number;
  visitDoneAt: number;
  reportAt: number;
  availableAt: number;
  underground: boolean;
  messages: boolean;
}

export type Step =
  | { at: number; visit: number; kind: "assign" }
  | { at: number; visit: number; kind: "accept" }
  | { at: number; visit: number; kind: "status"; key: StatusKey }
  | { at: number; visit: number; kind: "report" }
  | { at: number; visit: number; kind: "doctor-message" }
  | { at: number; visit: number; kind: "dispatch-message" };

export const visitEveryMs = 90 * minute;
export const firstVisitAtMs = 10 * minute;

/** The visits that end within a shift of `durationMs`. */
export function planVisits(durationMs: number): Visit[] {
  const visits: Visit[] = [];
  for (let index = 0; ; index++) {
    const at = firstVisitAtMs + index * visitEveryMs;
    const visit: Visit = {
      index,
      assignAt: at,
      acceptAt: at + 1 * minute,
      onSceneAt: at + 15 * minute,
      withPatientAt: at + 18 * minute,
      visitDoneAt: at + 40 * minute,
      reportAt: at + 41 * minute,
      availableAt: at + 43 * minute,
      underground: index % 3 === 2,
      messages: index % 2 === 0,
    };
    if (visit.availableAt >= durationMs) return visits;
    visits.push(visit);
  }
}

/** Every action of the shift, in order. */
export function planSteps(visits: readonly Visit[]): Step[] {
  const steps: Step[] = visits.flatMap((v): Step[] => [
    { at: v.assignAt, visit: v.index, kind: "assign" },
    { at: v.acceptAt, visit: v.index, kind: "accept" },
    { at: v.onSceneAt, visit: v.index, kind: "status", key: "on_scene" },
    { at: v.withPatientAt, visit: v.index, kind: "status", key: "with_patient" },
    { at: v.visitDoneAt, visit: v.index, kind: "status", key: "visit_done" },
    { at: v.reportAt, visit: v.index, kind: "report" },
    { at: v.availableAt, visit: v.index, kind: "status", key: "available" },
    ...(v.messages
      ? [
          { at: v.withPatientAt + 2 * minute, visit: v.index, kind: "doctor-message" } as const,
          { at: v.withPatientAt + 6 * minute, visit: v.index, kind: "dispatch-message" } as const,
        ]
      : []),
  ]);
  return steps.sort((a, b) => a.at - b.at);
}

/** What the receiver sees at `simMs`: parked from arrival until the doctor is available again. */
export function motionAt(visits: readonly Visit[], simMs: number): Motion {
  for (const v of visits) {
    if (simMs >= v.onSceneAt && simMs < v.availableAt) return v.underground ? "no_fix" : "parked";
    if (simMs < v.onSceneAt) break;
  }
  return "drive";
}
