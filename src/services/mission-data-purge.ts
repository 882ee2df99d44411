/**
 * Patient-data purge (DESIGN.md §4, issue 4): a mission's patient identifiers (name, callback number,
 * address, door code, dispatch notes, report summary, timeline notes) are deleted `purgeAfterHours`
 * after the mission ended:
 *   - closed: dispatch acknowledged the report (its own `ack`, DeliveryLog `received`), so the report
 *     is safe at dispatch and the car's copy is no longer needed;
 *   - declined or cancelled: no report will come, and a mission never done keeps no name longer.
 * A report still queued or only PUBACKed keeps its mission open (reported), so nothing is lost when
 * the link is down for days. The delivered outbox rows are deleted on PUBACK (outbox-repository.ts),
 * so no payload copy is left there; the deliveries table keeps ids and times only.
 */
import { withoutPatientData } from "../domain/missions/mission-details.ts";
import { purgeDelayMs } from "../domain/missions/mission-times.ts";
import type { MissionStore } from "./mission-ports.ts";
import type { UnitOfWork } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";

export interface MissionDataPurgeContext {
  missions: MissionStore;
  unitOfWork: UnitOfWork;
  clock: Clock;
  logger: Logger;
  purgeAfterHours: number;
}

export class MissionDataPurge {
  constructor(private readonly ctx: MissionDataPurgeContext) {}

  /** Purges every mission that is due; returns their ids. */
  run(): string[] {
    const { ctx } = this;
    const now = Math.round(ctx.clock.now());
    const endedBefore = now - purgeDelayMs(ctx.purgeAfterHours);
    const due = ctx.missions.unpurgedEndedBefore(endedBefore);
    if (due.length === 0) return [];
    ctx.unitOfWork.transaction(() => {
      for (const mission of due)
        ctx.missions.purgePatientData(mission.id, withoutPatientData(mission.details), now);
    });
    ctx.missions.compactAfterPurge();
    const ids = due.map((mission) => mission.id);
    ctx.logger.info({ missions: ids }, "patient data purged");
    return ids;
  }
}
