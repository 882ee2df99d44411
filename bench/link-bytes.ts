/**
 * Link bytes of the live-position reporting policy (DESIGN.md §3), and the fidelity of the track that
 * dispatch rebuilds from it.
 *
 * Input: one hour of the simulated night drive through Bordeaux at 1 Hz (apps/sim: accelerations,
 * slow corners, red lights, ~2 m receiver wander, the 40 s tunnel at 4 min), encoded as NMEA and
 * decoded by the real GNSS pipeline, so the fixes carry what a real one does (sats, hdop, rounding).
 *
 *  1. Bytes: every `position` the policy sends, as the JSON of a real envelope (id, ts, src) checked
 *     by the contract's schema, against sending every fix the same way. Goal: ratio <= 0.15.
 *  2. Fidelity: dispatch draws straight lines between reports at constant speed (what a map does);
 *     at every fix time, the distance from that line to the fix. Goal: max <= 25 m.
 *  3. Backfill: the whole hour as `track` batches planned by src/domain/track-batches.ts, each as a
 *     real envelope. Goal: every envelope <= 64 KiB and <= 500 points.
 * Patrol is the default profile; mission is the tighter variant used during a mission.
 *
 * Run alone: `npx tsx bench/link-bytes.ts`; with the others: `npm run bench -- link-bytes`.
 */
import { pathToFileURL } from "node:url";
import { bordeauxLoop } from "../apps/sim/drive/bordeaux-route.ts";
import { nightDriveDefaults } from "../apps/sim/drive/capture.ts";
import { drive } from "../apps/sim/drive/drive-generator.ts";
import { encodeEpoch } from "../apps/sim/drive/nmea-encoder.ts";
import { maxPayloadBytes } from "../src/contracts/fields.ts";
import { newMessageId } from "../src/contracts/message-id.ts";
import { positionMessage, trackMessage } from "../src/contracts/messages.ts";
import { trackBatchLimits } from "../src/contracts/reporting-policy.ts";
import { maxTrackPoints } from "../src/contracts/telemetry.ts";
import { distanceM, positionAt } from "../src/domain/geo.ts";
import type { Fix } from "../src/domain/gnss/fix.ts";
import {
  decideReport,
  defaultReportingPolicy,
  initialReportingState,
  type MovingProfile,
  type ReportingPolicyConfig,
  type ReportReason,
} from "../src/domain/reporting-policy.ts";
import { planTrackBatches } from "../src/domain/track-batches.ts";
import { GnssPipeline } from "../src/io/gnss/gnss-pipeline.ts";
import { type BenchMetric, type BenchResult, printBench } from "./bench-result.ts";

const vehicle = "BDX-07";
const bytesGoal = 0.15;
const errorGoalM = 25;

/** The simulated hour, through the real decoder: the fixes the tracker would see. */
export function simulatedHour(durationS = 3600): Fix[] {
  const pipeline = new GnssPipeline({ referenceDate: "2026-01-01" });
  const fixes: Fix[] = [];
  const samples = drive({
    route: bordeauxLoop,
    start: nightDriveDefaults.start,
    rateHz: 1,
    durationS,
    seed: 7,
    outages: nightDriveDefaults.outages,
  });
  for (const sample of samples) {
    for (const line of encodeEpoch(sample, "gps")) fixes.push(...pipeline.push(line, sample.time));
  }
  fixes.push(...pipeline.flush());
  return fixes;
}

/** The bytes of the real envelope the car would publish for this fix (validated by the contract). */
function positionEnvelopeBytes(fix: Fix): number {
  // The message is created just after the fix arrives: a 1 Hz receiver's output lags ~100 ms.
  const created = Date.parse(fix.fixTime) + 120;
  const envelope = positionMessage.parse({
    v: 1,
    id: newMessageId(created),
    type: "position",
    ts: new Date(created).toISOString(),
    src: vehicle,
    body: fix,
  });
  return Buffer.byteLength(JSON.stringify(envelope));
}

export interface PolicyRun {
  reports: Fix[];
  reasons: Partial<Record<ReportReason, number>>;
  bytes: number;
  baselineBytes: number;
  maxErrorM: number;
  p95ErrorM: number;
  /** Longest time between two reports, seconds. */
  maxGapS: number;
}

/** Runs the policy over the fixes and measures what it sends and how well the track can be rebuilt. */
export function runPolicy(
  fixes: readonly Fix[],
  profile: MovingProfile,
  config: ReportingPolicyConfig,
): PolicyRun {
  let state = initialReportingState;
  const reports: Fix[] = [];
  const reasons: Partial<Record<ReportReason, number>> = {};
  for (const fix of fixes) {
    const decision = decideReport(state, { fix, profile }, config);
    state = decision.next;
    if (decision.report && decision.reason !== null) {
      reports.push(fix);
      reasons[decision.reason] = (reasons[decision.reason] ?? 0) + 1;
    }
  }
  const bytes = reports.reduce((sum, fix) => sum + positionEnvelopeBytes(fix), 0);
  const baselineBytes = fixes.reduce((sum, fix) => sum + positionEnvelopeBytes(fix), 0);
  const errors = rebuildErrors(fixes, reports);
  const sorted = [...errors].sort((a, b) => a - b);
  let maxGapS = 0;
  for (let i = 1; i < reports.length; i++) {
    const gap =
      (Date.parse((reports[i] as Fix).fixTime) - Date.parse((reports[i - 1] as Fix).fixTime)) / 1000;
    maxGapS = Math.max(maxGapS, gap);
  }
  return {
    reports,
    reasons,
    bytes,
    baselineBytes,
    maxErrorM: sorted.at(-1) ?? 0,
    p95ErrorM: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0,
    maxGapS,
  };
}

/**
 * At every fix time, the distance between the fix and dispatch's rebuilt track: the constant-speed
 * line between the reports around it. After the last report, dispatch still shows that report.
 */
function rebuildErrors(fixes: readonly Fix[], reports: readonly Fix[]): number[] {
  const timed = reports.map((fix) => ({ lat: fix.lat, lon: fix.lon, t: Date.parse(fix.fixTime) }));
  const errors: number[] = [];
  let segment = 0;
  for (const fix of fixes) {
    const t = Date.parse(fix.fixTime);
    while (segment + 1 < timed.length && (timed[segment + 1] as { t: number }).t <= t) segment++;
    const from = timed[segment];
    if (from === undefined || t < from.t) continue;
    const to = timed[segment + 1] ?? from;
    errors.push(distanceM(fix, positionAt(from, to, t)));
  }
  return errors;
}

function backfillMetrics(fixes: readonly Fix[]): BenchMetric[] {
  const batches = planTrackBatches(fixes, (fix) => fix, trackBatchLimits(vehicle));
  let largest = 0;
  let mostPoints = 0;
  for (const [i, batch] of batches.entries()) {
    const created = Date.parse(fixes.at(-1)?.fixTime ?? "2026-11-23T22:00:00Z") + i;
    const envelope = trackMessage.parse({
      v: 1,
      id: newMessageId(created),
      type: "track",
      ts: new Date(created).toISOString(),
      src: vehicle,
      seq: 1_000_000 + i,
      body: { points: batch.entries },
    });
    largest = Math.max(largest, Buffer.byteLength(JSON.stringify(envelope)));
    mostPoints = Math.max(mostPoints, batch.entries.length);
  }
  return [
    { label: "backfill of the hour: track batches", value: batches.length, unit: "messages" },
    {
      label: "backfill: largest track envelope",
      value: largest,
      unit: "B",
      baseline: { label: "payload limit", value: maxPayloadBytes, unit: "B" },
      ratio: largest / maxPayloadBytes,
      goal: "<= 1.00",
    },
    {
      label: "backfill: most points in a batch",
      value: mostPoints,
      unit: "points",
      baseline: { label: "protocol limit", value: maxTrackPoints, unit: "points" },
      ratio: mostPoints / maxTrackPoints,
      goal: "<= 1.00",
    },
  ];
}

function policyMetrics(name: string, run: PolicyRun, fixCount: number): BenchMetric[] {
  const reasons = Object.entries(run.reasons)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(", ");
  return [
    {
      label: `${name}: position bytes`,
      value: run.bytes,
      unit: "B",
      baseline: { label: "every 1 Hz fix", value: run.baselineBytes, unit: "B" },
      ratio: run.bytes / run.baselineBytes,
      goal: `<= ${bytesGoal}`,
    },
    {
      label: `${name}: position messages (${reasons})`,
      value: run.reports.length,
      unit: "msgs",
      baseline: { label: "fixes", value: fixCount, unit: "msgs" },
      ratio: run.reports.length / fixCount,
    },
    {
      label: `${name}: rebuilt track, max error`,
      value: run.maxErrorM,
      unit: "m",
      goal: `<= ${errorGoalM} m`,
    },
    { label: `${name}: rebuilt track, p95 error`, value: run.p95ErrorM, unit: "m" },
    { label: `${name}: longest silence (the tunnel is 40 s)`, value: run.maxGapS, unit: "s" },
  ];
}

export async function benchLinkBytes(
  options: { durationS?: number; config?: ReportingPolicyConfig } = {},
): Promise<BenchResult> {
  const fixes = simulatedHour(options.durationS ?? 3600);
  const config = options.config ?? defaultReportingPolicy;
  const patrol = runPolicy(fixes, "patrol", config);
  const mission = runPolicy(fixes, "mission", config);
  return {
    name: `link bytes: live positions over ${fixes.length} fixes (1 Hz, simulated Bordeaux hour)`,
    metrics: [
      ...policyMetrics("patrol", patrol, fixes.length),
      ...policyMetrics("mission", mission, fixes.length),
      ...backfillMetrics(fixes),
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  benchLinkBytes()
    .then((result) => printBench(result))
    .catch((error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    });
}
