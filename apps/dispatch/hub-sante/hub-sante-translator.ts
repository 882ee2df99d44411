/**
 * From what dispatch committed to Hub Santé envelopes in the outbox, in ONE transaction per pass:
 * the statuses of the feed become RS-SR (src/domain/hub-sante/rs-sr.ts), the cars whose GEO-POS is
 * due get one (geo-pos.ts), each car's mapping state is saved, and the feed rows are consumed. A
 * crash before the commit leaves the feed as it was; after it, the outbox holds the messages with
 * their distribution ids for good.
 *
 * A car's statuses are played in the car's order (`seq`), not in commit order: dispatch's shared
 * subscription spreads one car's messages over several connections, and a car flushing its outbox
 * after a tunnel sends a burst that can be committed out of order. A status waits `reorderWindowMs`
 * (default 1 s) after it reached dispatch before it is played, so that its burst is complete. If
 * by then dispatch still misses an earlier message of that car (a `seq` gap below it: on a loaded
 * machine a burst takes longer than the window), the status, and the car's later ones, wait for the
 * gap to fill, up to `gapWaitMs` (default 15 s). One that still comes later than a newer status is
 * handled as late (rs-sr.ts). Other cars are never held back by it.
 */
import { randomUUID } from "node:crypto";
import { caseIdSchema } from "../../../src/contracts/dispatch-commands.ts";
import { positionBody, statusBody } from "../../../src/contracts/telemetry.ts";
import { edxlEnvelope, type HubUseCase } from "../../../src/domain/hub-sante/edxl-de.ts";
import { type GeoPosition, geoPosDue, geoPosition } from "../../../src/domain/hub-sante/geo-pos.ts";
import { caseIdForMission, distributionId, resourceId } from "../../../src/domain/hub-sante/hub-ids.ts";
import {
  type HubCarState,
  initialHubCarState,
  type RsSrOutcome,
  rsSrStep,
} from "../../../src/domain/hub-sante/rs-sr.ts";
import type { StatusKey } from "../../../src/domain/radio-status.ts";
import type { Logger } from "../../../src/services/ports.ts";
import type { HubFeedRow, HubOutboxRepository } from "../../../src/store/hub-outbox-repository.ts";
import type { HubSanteConfig } from "./hub-sante-config.ts";

/** Feed rows per pass: bounds a pass's transaction after a long outage. */
const feedBatch = 500;
export const defaultReorderWindowMs = 1000;
export const defaultGapWaitMs = 15_000;
/** Positions per GEO-POS message (the schema takes an array); a big fleet needs far fewer messages. */
export const positionsPerGeoPos = 50;

export interface TranslatorContext {
  repo: HubOutboxRepository;
  config: HubSanteConfig;
  logger: Logger;
  /** Injected for tests; `randomUUID` otherwise. */
  newUuid?: () => string;
  /** How long a status waits for the rest of its burst (default 1 s). */
  reorderWindowMs?: number;
  /** How long at most a status waits for a missing earlier message of its car (default 15 s). */
  gapWaitMs?: number;
}

export interface PassResult {
  rsSr: number;
  geoPos: number;
  /** What became of each status read (sent, unchanged, no_case...). */
  statuses: Partial<Record<RsSrOutcome | "invalid", number>>;
  /** More feed rows are ready now. */
  more: boolean;
  /** When the oldest status held back by the reorder window is due (epoch ms), if any. */
  nextDueAt: number | null;
}

/** Each car's rows sorted by its `seq` (then arrival), the cars in the order they first appear. */
function byCarInOrder(rows: readonly HubFeedRow[]): HubFeedRow[][] {
  const byCar = new Map<string, HubFeedRow[]>();
  for (const row of rows) {
    const list = byCar.get(row.vehicle);
    if (list) list.push(row);
    else byCar.set(row.vehicle, [row]);
  }
  const key = (row: HubFeedRow) => row.seq ?? Number.MAX_SAFE_INTEGER;
  return [...byCar.values()].map((list) => list.sort((a, b) => key(a) - key(b) || a.id - b.id));
}

function parseState(json: string | null): HubCarState {
  if (json === null) return initialHubCarState;
  const parsed = JSON.parse(json) as HubCarState | null;
  return parsed ?? initialHubCarState;
}

export class HubSanteTranslator {
  private readonly newUuid: () => string;
  private readonly reorderWindowMs: number;
  private readonly gapWaitMs: number;

  constructor(private readonly ctx: TranslatorContext) {
    this.newUuid = ctx.newUuid ?? randomUUID;
    this.reorderWindowMs = ctx.reorderWindowMs ?? defaultReorderWindowMs;
    this.gapWaitMs = Math.max(this.reorderWindowMs, ctx.gapWaitMs ?? defaultGapWaitMs);
  }

  /** One pass at wall-clock `now`; `geo` false skips GEO-POS (they are due at most once a second). */
  run(now: number, geo = true): PassResult {
    const result: PassResult = { rsSr: 0, geoPos: 0, statuses: {}, more: false, nextDueAt: null };
    this.ctx.repo.transaction(() => {
      const feed = this.ctx.repo.feed(feedBatch);
      const states = new Map<string, HubCarState>();
      const stateOf = (vehicle: string) =>
        states.get(vehicle) ?? parseState(this.ctx.repo.car(vehicle)?.stateJson ?? null);
      const played: number[] = [];
      for (const rows of byCarInOrder(feed)) {
        for (const row of rows) {
          // A held row holds back its car's later statuses (they must follow it), not other cars'.
          const dueAt = this.dueAt(row, now);
          if (dueAt !== null) {
            result.nextDueAt = Math.min(result.nextDueAt ?? dueAt, dueAt);
            break;
          }
          const outcome = this.status(row, now, stateOf, states);
          result.statuses[outcome] = (result.statuses[outcome] ?? 0) + 1;
          if (outcome === "sent" || outcome === "late") result.rsSr++;
          played.push(row.id);
        }
      }
      result.more = feed.length === feedBatch && played.length > 0;
      for (const [vehicle, state] of states) this.ctx.repo.saveState(vehicle, JSON.stringify(state));
      this.ctx.repo.consumeFeedRows(played);
      if (geo) result.geoPos = this.positions(now);
    });
    return result;
  }

  /** Null when the status can be played now, else when to look at it again (epoch ms). */
  private dueAt(row: HubFeedRow, now: number): number | null {
    // A row from the "future" (the clock was set back) is ready: it must not stall the feed.
    if (row.receivedAt > now) return null;
    if (now < row.receivedAt + this.reorderWindowMs) return row.receivedAt + this.reorderWindowMs;
    const giveUpAt = row.receivedAt + this.gapWaitMs;
    if (row.seq === null || now >= giveUpAt) return null;
    const seq = row.seq;
    // Re-checked at each pass: the ingest kicks the gateway after every commit, so a filled gap
    // lets the status go at once, well before `giveUpAt`.
    return this.ctx.repo.seqGaps(row.vehicle).some((gap) => gap.from < seq) ? giveUpAt : null;
  }

  private status(
    row: HubFeedRow,
    now: number,
    stateOf: (vehicle: string) => HubCarState,
    states: Map<string, HubCarState>,
  ): RsSrOutcome | "invalid" {
    const { vehicle, body } = row;
    // Validated at ingest; checked again because a bad row must not block the feed forever.
    const parsed = statusBody.safeParse(JSON.parse(body));
    if (!parsed.success) {
      this.ctx.logger.warn({ vehicle, body }, "hub santé: unreadable stored status skipped");
      return "invalid";
    }
    const { key, since, missionId } = parsed.data;
    const step = rsSrStep(
      stateOf(vehicle),
      {
        key,
        since: Date.parse(since),
        seq: row.seq,
        caseId: missionId === undefined ? null : this.caseId(missionId),
      },
      { resourceId: resourceId(this.ctx.config.orgId, vehicle), timeZone: this.ctx.config.timeZone },
    );
    states.set(vehicle, step.state);
    if (step.message !== null) this.enqueue(vehicle, "RS-SR", { resourcesStatus: step.message }, now);
    return step.outcome;
  }

  /** The mission's shared case when it came with one, else the case dispatch's mission stands for. */
  private caseId(missionId: string): string {
    const shared = this.ctx.repo.missionCaseId(missionId);
    if (shared !== null && caseIdSchema.safeParse(shared).success) return shared;
    return caseIdForMission(this.ctx.config.orgId, missionId);
  }

  private positions(now: number): number {
    const { config, repo } = this.ctx;
    const intervalMs = config.geoPosIntervalSeconds * 1000;
    const due: Array<{ vehicle: string; position: GeoPosition }> = [];
    for (const row of repo.positionsDue(now, intervalMs)) {
      const fix = positionBody.safeParse(JSON.parse(row.positionJson));
      if (!fix.success) continue;
      const fixTime = Date.parse(fix.data.fixTime);
      if (!geoPosDue({ sentAt: row.geoSentAt, fixTime: row.geoFixTime }, fixTime, now, intervalMs)) continue;
      let state = parseState(row.stateJson);
      if (state.statusKey === null) state = { ...state, statusKey: this.storedStatus(row.statusJson) };
      const { lat, lon, alt, speed, heading } = fix.data;
      const position = geoPosition(
        {
          fixTime,
          lat,
          lon,
          ...(alt === undefined ? {} : { alt }),
          ...(speed === undefined ? {} : { speed }),
          ...(heading === undefined ? {} : { heading }),
        },
        state,
        { resourceId: resourceId(config.orgId, row.vehicle), timeZone: config.timeZone },
      );
      due.push({ vehicle: row.vehicle, position });
      repo.saveGeoSent(row.vehicle, fixTime, now);
    }
    for (let i = 0; i < due.length; i += positionsPerGeoPos) {
      const chunk = due.slice(i, i + positionsPerGeoPos);
      const vehicle = chunk.length === 1 ? (chunk[0]?.vehicle ?? "") : "*";
      this.enqueue(
        vehicle,
        "GEO-POS",
        { geoPositionsUpdate: { position: chunk.map((d) => d.position) } },
        now,
      );
    }
    return Math.ceil(due.length / positionsPerGeoPos);
  }

  /** A car the feed has not seen since the gateway started: dispatch's stored status, if lasting. */
  private storedStatus(statusJson: string | null): StatusKey | null {
    if (statusJson === null) return null;
    const parsed = statusBody.safeParse(JSON.parse(statusJson));
    if (!parsed.success) return null;
    const key = parsed.data.key;
    return key === "call_request" || key === "emergency" ? null : key;
  }

  private enqueue(vehicle: string, kind: "RS-SR" | "GEO-POS", useCase: HubUseCase, now: number): void {
    const { config } = this.ctx;
    const id = distributionId(config.senderId, this.newUuid());
    const expiresAt = now + config.expirySeconds * 1000;
    const envelope = edxlEnvelope({
      distributionId: id,
      senderId: config.senderId,
      recipientId: config.recipientId,
      sentAt: now,
      expiresAt,
      timeZone: config.timeZone,
      distributionStatus: config.distributionStatus,
      useCase,
    });
    this.ctx.repo.enqueue({
      distributionId: id,
      kind,
      vehicle,
      payload: JSON.stringify(envelope),
      createdAt: now,
      expiresAt,
    });
  }
}
