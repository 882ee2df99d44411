/**
 * Configuration of the live-position reporting policy (src/domain/reporting-policy.ts), and the limits
 * of the backfill's `track` batches (src/domain/track-batches.ts): DESIGN.md §3, "Reporting policy".
 *
 * Every field has the domain's default, so `{}` is a valid config and a profile only states what it
 * changes. Objects are strict, like the core config: a misspelt threshold (`distanceMeters`) must be
 * reported rather than silently replaced by its default. The bounds refuse values that would break
 * the link rather than tune it (an interval of 0 reports every fix; a heartbeat over an hour makes a
 * parked car look lost).
 */
import { z } from "zod";
import {
  defaultReportingPolicy,
  type MovingThresholds,
  type ReportingPolicyConfig,
  type StationaryThresholds,
} from "../domain/reporting-policy.ts";
import type { TrackBatchLimits } from "../domain/track-batches.ts";
import { maxPayloadBytes } from "./fields.ts";
import { maxTrackPoints } from "./telemetry.ts";

const seconds = (min: number, max: number) => z.number().min(min).max(max).describe("Seconds.");
const metres = (min: number, max: number) => z.number().min(min).max(max).describe("Metres.");

function movingSchema(defaults: MovingThresholds, who: string) {
  return z
    .strictObject({
      intervalS: seconds(1, 3600).default(defaults.intervalS).describe("Longest silence while moving, s."),
      distanceM: metres(1, 10_000).default(defaults.distanceM).describe("Distance from the last report, m."),
      angleDeg: z.number().min(1).max(180).default(defaults.angleDeg).describe("Heading change, degrees."),
      deviationM: metres(1, 1000)
        .default(defaults.deviationM)
        .describe("Largest miss of the straight line since the last report, m."),
    })
    .prefault({})
    .describe(`Thresholds while moving, ${who}.`);
}

const stationaryDefaults: StationaryThresholds = defaultReportingPolicy.stationary;

export const reportingPolicySchema = z
  .strictObject({
    mission: movingSchema(defaultReportingPolicy.mission, "during a mission"),
    patrol: movingSchema(defaultReportingPolicy.patrol, "outside missions"),
    stationary: z
      .strictObject({
        speedBelowMps: z.number().min(0.1).max(5).default(stationaryDefaults.speedBelowMps),
        afterS: seconds(1, 3600).default(stationaryDefaults.afterS),
        moveAfterS: seconds(0, 60).default(stationaryDefaults.moveAfterS),
        heartbeatS: seconds(10, 3600).default(stationaryDefaults.heartbeatS),
        distanceM: metres(5, 10_000).default(stationaryDefaults.distanceM),
      })
      .prefault({})
      .describe("When the car counts as stationary, and how it reports then."),
    movingSpeedMps: z
      .number()
      .min(0.5)
      .max(30)
      .default(defaultReportingPolicy.movingSpeedMps)
      .describe("From this speed (m/s) heading and deviation count."),
    fastestIntervalS: seconds(0, 60).default(defaultReportingPolicy.fastestIntervalS),
  })
  .meta({ title: "reporting policy", description: "Live position reporting rules (DESIGN.md §3)." });

/** Compile-time: the parsed config is exactly the domain's `ReportingPolicyConfig`. */
const parsedIsDomainConfig: ReportingPolicyConfig = reportingPolicySchema.parse({});
void parsedIsDomainConfig;
type Parsed = z.output<typeof reportingPolicySchema>;
const domainIsParsed: Parsed = defaultReportingPolicy;
void domainIsParsed;

/**
 * The worst-case envelope around a `track` batch: the longest id (a 36-character UUIDv7), a
 * millisecond timestamp and the largest seq, so that the batch fits whatever the outbox stamps on it
 * after planning. The result is passed to `planTrackBatches`.
 */
export function trackBatchLimits(src: string): TrackBatchLimits {
  const envelope = {
    v: 1,
    id: "01937b6e-0000-7000-8000-000000000000",
    type: "track",
    ts: "2026-11-23T21:04:05.123Z",
    src,
    seq: Number.MAX_SAFE_INTEGER,
    body: { points: [] },
  };
  return {
    maxPoints: maxTrackPoints,
    maxBytes: maxPayloadBytes,
    envelopeBytes: new TextEncoder().encode(JSON.stringify(envelope)).byteLength,
  };
}
