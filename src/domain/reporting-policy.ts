/**
 * The live-position reporting policy (DESIGN.md §3): which trusted fixes go out as `position`
 * messages. Every fix goes into the stored track whatever this says; this only decides the live feed.
 *
 * Pure: the caller passes each fix and keeps the returned state. Time is the fix's GNSS time
 * (`fixTime`), never the system clock, so that a clock correction cannot fire or starve the interval
 * rules (DESIGN.md §3, "Time"), and a replayed drive gives the same decisions.
 *
 * The rules follow Traccar Client (https://www.traccar.org/client-configuration): a car is either
 * *moving*, reporting on interval, distance and heading change, or *stationary*, reporting on a
 * heartbeat. Its defaults (distance 75 m, fastest interval 30 s, heartbeat 300 s) are tuned for a
 * phone's battery; ours are tuned against the two goals of bench/link-bytes.ts instead: at most 15 % of
 * the bytes of sending every 1 Hz fix, and a track that dispatch can rebuild within 25 m by drawing
 * straight lines between reports. Distance and angle alone cannot do both: a 100 m distance rule cuts
 * right-angle corners by ~35 m and misplaces a car stopped at a light. So one more rule, a
 * *deviation* (corridor) rule, reports as soon as the straight line from the last report to the
 * current fix, walked at constant speed, misses one of the fixes in between by more than
 * `deviationM`. It is the Douglas-Peucker test applied online, in time as well as space, and it is
 * what makes the rebuilt track trustworthy; the other rules keep the live position fresh.
 *
 * Order of the rules (the first that holds is the reason): first, status change, then the fastest
 * interval guard, then heartbeat and distance when stationary, or interval, distance, angle and
 * deviation when moving.
 */

import { angleDifferenceDeg, distanceM, positionAt, type TimedLatLon } from "./geo.ts";
import type { Fix } from "./gnss/fix.ts";

/** Thresholds of one moving profile. A rule fires when its value is reached. */
export interface MovingThresholds {
  /** Longest silence while moving, seconds. */
  intervalS: number;
  /** Distance from the last report, metres. */
  distanceM: number;
  /** Heading change from the last report, degrees; only counted at `movingSpeedMps` or more. */
  angleDeg: number;
  /** Largest gap allowed between the straight line since the last report and a fix, metres. */
  deviationM: number;
}

export interface StationaryThresholds {
  /** Below this speed (m/s) the car counts as slow. */
  speedBelowMps: number;
  /** Slow for this long (s) makes the car stationary. */
  afterS: number;
  /** At or above `speedBelowMps` for this long (s) makes a stationary car move again. */
  moveAfterS: number;
  /** Report interval while stationary, seconds. */
  heartbeatS: number;
  /** Distance from the last report that still counts while stationary (a towed car), metres. */
  distanceM: number;
}

export type MovingProfile = "mission" | "patrol";

export interface ReportingPolicyConfig {
  /** During a mission: dispatch follows the car to the patient and needs a fresh, precise position. */
  mission: MovingThresholds;
  /** Otherwise (available, at base, returning). */
  patrol: MovingThresholds;
  stationary: StationaryThresholds;
  /**
   * From this speed (m/s) the car is really moving: its heading counts for the angle rule and its
   * fixes for the deviation rule. Below it, GNSS course over ground swings wildly and a parked
   * receiver's jitter looks like movement.
   */
  movingSpeedMps: number;
  /** No two reports closer than this (s), but for status changes (Traccar's "fastest interval"). */
  fastestIntervalS: number;
}

/**
 * Defaults, tuned with bench/link-bytes.ts on the simulated hour in Bordeaux (1 Hz, red lights, a
 * tunnel) decoded by the real GNSS pipeline: patrol sends 0.06 of the bytes of every fix and dispatch
 * rebuilds the track within 17 m (p95 11 m); mission 0.12, within 13 m (p95 6 m). With 3 m of extra
 * receiver wander the figures hardly move (patrol 17 m, mission 13 m, a few more deviation reports).
 *  - `deviationM` sets the fidelity. At 1 Hz the rule fires one fix late, when the miss may have grown
 *    by ~7 m more at town speeds, so 10 m (patrol) and 8 m (mission) keep the worst case well under the
 *    25 m goal, while staying above a consumer receiver's 2-5 m wander.
 *  - `distanceM` and `intervalS` set freshness: patrol 200 m / 30 s, so that dispatch choosing the
 *    nearest car is never more than a block off; mission 100 m / 10 s, since dispatch follows the car
 *    to the patient and the caller may ask "where is the doctor?". Traccar Client's 75 m assumes no
 *    deviation rule; with one, more distance reports would only spend bytes.
 *  - `angleDeg` 30 / 20: the heading on the map turns with the car at junctions; a lane change or a
 *    bend in the quays stays under it.
 *  - Stationary: under 1 m/s for 30 s (longer than most red lights, which then stay "moving"), a
 *    heartbeat every 300 s as Traccar Client, 50 m before a parked car counts as moved (beyond the
 *    multipath jitter of a street between buildings), and 2 s of speed before it moves again.
 *  - Really moving from 3 m/s (~11 km/h): below that, GNSS course over ground swings wildly, and a
 *    parked receiver's Doppler speed spikes (1-2 m/s) stay under it.
 */
export const defaultReportingPolicy: ReportingPolicyConfig = {
  mission: { intervalS: 10, distanceM: 100, angleDeg: 20, deviationM: 8 },
  patrol: { intervalS: 30, distanceM: 200, angleDeg: 30, deviationM: 10 },
  stationary: { speedBelowMps: 1, afterS: 30, moveAfterS: 2, heartbeatS: 300, distanceM: 50 },
  movingSpeedMps: 3,
  fastestIntervalS: 1,
};

export type ReportReason =
  | "first"
  | "status_change"
  | "interval"
  | "distance"
  | "angle"
  | "deviation"
  | "heartbeat";
export type MotionMode = "moving" | "stationary";

interface ReportedPoint extends TimedLatLon {
  /** Course at the report when it was trustworthy (moving), else null. */
  heading: number | null;
}

/** Everything the policy remembers between fixes. Treat it as opaque; it is never mutated. */
export interface ReportingState {
  readonly lastReport: ReportedPoint | null;
  /** Heading the angle rule compares with: the last report's, or the first trustworthy one after it. */
  readonly headingRef: number | null;
  /** Moving fixes since the last report, oldest first: what the deviation rule checks. Bounded. */
  readonly sinceReport: readonly TimedLatLon[];
  /** The previous fix, to derive a speed when the receiver gives none. */
  readonly previous: TimedLatLon | null;
  /** Whether the previous fix was really moving (`movingSpeedMps`). */
  readonly previousMoving: boolean;
  readonly mode: MotionMode;
  /** Start of the current slow spell (blips of speed shorter than `moveAfterS` do not end it). */
  readonly slowSince: number | null;
  /** Start of the current spell at or above `speedBelowMps`. */
  readonly fastSince: number | null;
  readonly statusChangePending: boolean;
}

export const initialReportingState: ReportingState = {
  lastReport: null,
  headingRef: null,
  sinceReport: [],
  previous: null,
  previousMoving: false,
  mode: "moving",
  slowSince: null,
  fastSince: null,
  statusChangePending: false,
};

export interface ReportInput {
  fix: Fix;
  profile: MovingProfile;
}

export interface ReportDecision {
  report: boolean;
  reason: ReportReason | null;
  /** The car's motion mode after this fix. */
  mode: MotionMode;
  next: ReportingState;
}

/**
 * The deviation rule walks the fixes since the last report. Moving, reports come at least every
 * `intervalS`, so this only binds for a fast receiver and a long interval; halving the buffer keeps
 * the check approximate (every other fix) instead of growing without bound.
 */
export const maxSinceReport = 600;

/** A status change (DESIGN.md §3) makes the next fix go out at once, whatever the rules say. */
export function noteStatusChange(state: ReportingState): ReportingState {
  return { ...state, statusChangePending: true };
}

/** Decides whether this fix goes out live, and returns the state to pass with the next fix. */
export function decideReport(
  state: ReportingState,
  input: ReportInput,
  config: ReportingPolicyConfig = defaultReportingPolicy,
): ReportDecision {
  const { fix } = input;
  const t = Date.parse(fix.fixTime);
  // A fix no newer than the previous one (a repeated or reordered epoch) is not the latest position.
  if (!Number.isFinite(t) || (state.previous !== null && t <= state.previous.t)) {
    return { report: false, reason: null, mode: state.mode, next: state };
  }
  const here: TimedLatLon = { lat: fix.lat, lon: fix.lon, t };
  const speed = speedOf(fix, here, state.previous);
  const motion = nextMotion(state, speed, t, config.stationary);
  const { mode } = motion;
  const reallyMoving = speed !== null && speed >= config.movingSpeedMps;
  const heading = fix.heading !== undefined && reallyMoving ? fix.heading : null;
  const reason = reasonToReport(state, here, heading, mode, config[input.profile], config);

  const base = { ...motion, previous: here, previousMoving: reallyMoving, statusChangePending: false };
  if (reason !== null) {
    const next: ReportingState = {
      ...base,
      lastReport: { ...here, heading },
      headingRef: heading,
      sinceReport: [],
    };
    return { report: true, reason, mode, next };
  }
  const next: ReportingState = {
    ...base,
    statusChangePending: state.statusChangePending,
    lastReport: state.lastReport,
    headingRef: state.headingRef ?? heading,
    sinceReport: keepForDeviation(state, here, reallyMoving),
  };
  return { report: false, reason: null, mode, next };
}

function reasonToReport(
  state: ReportingState,
  here: TimedLatLon,
  heading: number | null,
  mode: MotionMode,
  moving: MovingThresholds,
  config: ReportingPolicyConfig,
): ReportReason | null {
  const last = state.lastReport;
  if (last === null) return "first";
  if (state.statusChangePending) return "status_change";
  const elapsedS = (here.t - last.t) / 1000;
  if (elapsedS < config.fastestIntervalS) return null;
  const moved = distanceM(last, here);
  if (mode === "stationary") {
    if (elapsedS >= config.stationary.heartbeatS) return "heartbeat";
    if (moved >= config.stationary.distanceM) return "distance";
    return null;
  }
  if (elapsedS >= moving.intervalS) return "interval";
  if (moved >= moving.distanceM) return "distance";
  if (heading !== null && state.headingRef !== null) {
    if (angleDifferenceDeg(heading, state.headingRef) >= moving.angleDeg) return "angle";
  }
  if (maxDeviationM(last, here, state.sinceReport) > moving.deviationM) return "deviation";
  return null;
}

/** How far the constant-speed straight line from `from` to `to` misses the fixes in between. */
export function maxDeviationM(from: TimedLatLon, to: TimedLatLon, between: readonly TimedLatLon[]): number {
  let worst = 0;
  for (const point of between) {
    worst = Math.max(worst, distanceM(point, positionAt(from, to, point.t)));
  }
  return worst;
}

/**
 * The receiver's speed over ground, or, when it gives none, the distance from the previous fix over
 * the time between them (up to 10 s apart; older is a different trip). Null when unknown.
 */
function speedOf(fix: Fix, here: TimedLatLon, previous: TimedLatLon | null): number | null {
  if (fix.speed !== undefined) return fix.speed;
  if (previous === null) return null;
  const dt = (here.t - previous.t) / 1000;
  return dt > 0 && dt <= 10 ? distanceM(previous, here) / dt : null;
}

/**
 * Moving becomes stationary after `afterS` slow; stationary becomes moving after `moveAfterS` fast.
 * Both ways, a spell of speed shorter than `moveAfterS` is a blip: a parked receiver's Doppler speed
 * spikes now and then, and one spike must neither wake the moving rules nor restart the 30 s count.
 * An unknown speed counts as fast: the policy then errs towards reporting.
 */
function nextMotion(
  state: ReportingState,
  speed: number | null,
  t: number,
  stationary: StationaryThresholds,
): { mode: MotionMode; slowSince: number | null; fastSince: number | null } {
  const slow = speed !== null && speed < stationary.speedBelowMps;
  const fastSince = slow ? null : (state.fastSince ?? t);
  const fastForLong = fastSince !== null && (t - fastSince) / 1000 >= stationary.moveAfterS;
  const slowSince = fastForLong ? null : slow ? (state.slowSince ?? t) : state.slowSince;
  let mode = state.mode;
  if (mode === "stationary" && fastForLong) mode = "moving";
  // Only a slow fix parks the car: the first fix of a drive-off must not, even 30 s into the stop.
  else if (mode === "moving" && slow && slowSince !== null && (t - slowSince) / 1000 >= stationary.afterS) {
    mode = "stationary";
  }
  return { mode, slowSince, fastSince };
}

/**
 * The fixes the deviation rule checks. A slow fix is mostly noise: a parked receiver wanders by tens
 * of metres between buildings, with Doppler speed spikes of 1-2 m/s, and measured against a line that
 * noise alone would fire the rule. So a slow spell keeps only its two ends: the first slow fix (where
 * and when the car stopped) and the last (when it drove off, added once it moves). With the moving
 * fixes around them, they are what shows a stop on the line dispatch draws.
 */
function keepForDeviation(
  state: ReportingState,
  here: TimedLatLon,
  reallyMoving: boolean,
): readonly TimedLatLon[] {
  const kept = state.sinceReport;
  if (!reallyMoving) return state.previousMoving ? appendBounded(kept, here) : kept;
  const previous = state.previous;
  const lastKept = kept.at(-1);
  const reportT = state.lastReport?.t ?? Number.NEGATIVE_INFINITY;
  // The end of a slow spell: the previous fix, unless it is the report itself or already kept.
  if (!state.previousMoving && previous !== null && previous.t > reportT && previous.t !== lastKept?.t) {
    return appendBounded(appendBounded(kept, previous), here);
  }
  return appendBounded(kept, here);
}

function appendBounded(points: readonly TimedLatLon[], point: TimedLatLon): TimedLatLon[] {
  const kept = points.length < maxSinceReport ? points : points.filter((_, i) => i % 2 === 1);
  return [...kept, point];
}
