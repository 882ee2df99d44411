/**
 * Decides whether a cycle's fix candidate becomes a trusted `Fix` (PROTOCOL.md A, `position`).
 *
 * Rules, each rejection counted by reason:
 * - `no_fix`: no position, GGA quality 0, RMC/GLL status V (even if GGA claims a fix), only mode
 *   indicators N, GGA claiming a fix from 0 satellites with no RMC status A, a position of exactly
 *   0/0 ("null island": an empty field read as 0), or a value out of range. With no fix, no
 *   position is sent (PROTOCOL.md).
 * - `no_date`: no RMC or ZDA date seen yet, so the fix cannot be put in time (never the system clock).
 * - `simulated`: GGA quality 7 (manual) or 8 (simulator), or a mode indicator M or S (RMC, GLL,
 *   VTG, GNS): not a real position. gpsd accepts these (GPSmap-76S in simulator mode); we do not.
 * - `stale`: not newer than the last accepted fix (a replay, a receiver that went back in time).
 * - `jump`: reaching it from the last accepted fix would take more than `maxSpeedKmh` (250 km/h by
 *   default, well above any road speed), after allowing `noiseAllowanceM` of position noise.
 *   Either the last accepted fix or this one is wrong: if `confirmAfter` consecutive rejected
 *   candidates agree with each other (consistent times and speeds), the new place is accepted and
 *   becomes the reference, so that one bad fix can never lock the gate for ever.
 *
 * Quality mapping (GGA first, else the mode indicator): GGA 1/3 or mode A/P → "3d" or "2d"
 * (GSA mode; without GSA, "3d" when an altitude came with it), GGA 2 / mode D → "dgps",
 * GGA 4/5 / mode R/F → "rtk", GGA 6 / mode E → "estimated".
 * Dead reckoning ("estimated") is ACCEPTED when the receiver vouches for it: in a tunnel or a car
 * park an automotive receiver's estimate (wheel ticks, gyro) is better than nothing for dispatch,
 * and the `fix` field says it is not measured. A receiver that flags it RMC/GLL status V (a
 * handheld extrapolating blindly) is not vouching for it: no fix. Jump and stale rules apply.
 */

import type { Fix, FixKind } from "./fix.ts";
import type { FixCandidate } from "./fix-assembler.ts";

export type RejectionReason = "no_fix" | "no_date" | "simulated" | "jump" | "stale";

export type GateOutcome = { accepted: true; fix: Fix } | { accepted: false; reason: RejectionReason };

export interface QualityGateOptions {
  maxSpeedKmh?: number;
  noiseAllowanceM?: number;
  confirmAfter?: number;
}

interface Accepted {
  timeMs: number;
  lat: number;
  lon: number;
}

const earthRadiusM = 6_371_008.8;
const toRad = (deg: number) => (deg * Math.PI) / 180;

export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = toRad(b.lat - a.lat);
  const dLon = toRad(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusM * Math.asin(Math.min(1, Math.sqrt(h)));
}

type Kind = FixKind | "none" | "simulated";

/** What kind of fix a candidate claims to be. */
export function fixKindOf(c: FixCandidate): Kind {
  if (c.ggaQuality === 7 || c.ggaQuality === 8) return "simulated";
  if (c.modes.some((m) => m === "S" || m === "M")) return "simulated";
  const twoOrThree = c.gsaMode === 3 || (c.gsaMode === null && c.altMsl !== null) ? "3d" : "2d";
  // A satellite fix from zero satellites contradicts itself: Hemisphere receivers coast with GGA
  // quality 1 and 0 satellites (gpsd log `hemi`, not reported by gpsd either). Garmins say 0 on
  // their first real fix (`garmin25lp`), and their RMC status A then confirms it.
  const satellitesContradict = c.satsUsed === 0 && !c.statuses.includes("A");
  // RMC/GLL status V is the receiver's own "navigation receiver warning: do not use", whatever its
  // GGA says: a Garmin 10x extrapolating with 0 satellites sends GGA 6 with RMC V (`garmin-10x`).
  if (c.statuses.includes("V") && !c.statuses.includes("A")) return "none";
  if (c.ggaQuality !== null && c.ggaQuality >= 1 && c.ggaQuality <= 5 && satellitesContradict) return "none";
  switch (c.ggaQuality) {
    case 0:
      return "none";
    case 1:
    case 3:
      return twoOrThree;
    case 2:
      return "dgps";
    case 4:
    case 5:
      return "rtk";
    case 6:
      return "estimated";
  }
  // No usable GGA: a position needs a positive sign of validity, RMC/GLL status A or a fix mode.
  const fixModes = c.modes.filter((m) => m !== "N");
  if (fixModes.length === 0 && (c.modes.length > 0 || !c.statuses.includes("A"))) return "none";
  if (fixModes.some((m) => m === "R" || m === "F")) return "rtk";
  if (fixModes.includes("D")) return "dgps";
  if (fixModes.length > 0 && fixModes.every((m) => m === "E")) return "estimated";
  return c.gsaMode === 1 ? "none" : twoOrThree;
}

/** -0 → 0; used on every number that leaves the gate. */
const clean = (x: number) => x + 0;

export class QualityGate {
  private readonly maxSpeedMs: number;
  private readonly noiseAllowanceM: number;
  private readonly confirmAfter: number;
  private last: Accepted | null = null;
  /** Consecutive rejected (jump/stale) candidates that agree with each other. */
  private challengers: Accepted[] = [];
  private readonly tally: Record<string, number> = {};

  constructor(options: QualityGateOptions = {}) {
    this.maxSpeedMs = (options.maxSpeedKmh ?? 250) / 3.6;
    this.noiseAllowanceM = options.noiseAllowanceM ?? 10;
    this.confirmAfter = options.confirmAfter ?? 5;
  }

  /** Accepted and rejected candidates so far, keyed `accepted` or by rejection reason. */
  counts(): Readonly<Record<string, number>> {
    return this.tally;
  }

  assess(c: FixCandidate): GateOutcome {
    const outcome = this.decide(c);
    const key = outcome.accepted ? "accepted" : outcome.reason;
    this.tally[key] = (this.tally[key] ?? 0) + 1;
    return outcome;
  }

  private decide(c: FixCandidate): GateOutcome {
    const { lat, lon } = c;
    if (lat === null || lon === null || !Number.isFinite(lat) || !Number.isFinite(lon))
      return reject("no_fix");
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return reject("no_fix");
    const kind = fixKindOf(c);
    if (kind === "simulated") return reject("simulated");
    if (kind === "none") return reject("no_fix");
    const timeMs = c.timeMs;
    if (timeMs === null || !Number.isFinite(timeMs) || Math.abs(timeMs) > 8.64e15) return reject("no_date");
    const here: Accepted = { timeMs, lat, lon };
    const verdict = this.last === null ? null : this.plausibleFrom(this.last, here);
    if (verdict !== null) {
      if (!this.confirmedByChallengers(here)) return reject(verdict);
      this.challengers = [];
    }
    this.last = here;
    this.challengers = [];
    return { accepted: true, fix: toFix(c, here, kind) };
  }

  /** Null when `b` may follow `a`, else why not. */
  private plausibleFrom(a: Accepted, b: Accepted): "stale" | "jump" | null {
    if (b.timeMs <= a.timeMs) return "stale";
    const seconds = (b.timeMs - a.timeMs) / 1000;
    const metres = Math.max(0, distanceM(a, b) - this.noiseAllowanceM);
    return metres / seconds > this.maxSpeedMs ? "jump" : null;
  }

  /** Records a rejected candidate; true once `confirmAfter` consecutive ones agree. */
  private confirmedByChallengers(here: Accepted): boolean {
    const previous = this.challengers.at(-1);
    if (previous !== undefined && this.plausibleFrom(previous, here) !== null) this.challengers = [];
    this.challengers.push(here);
    return this.challengers.length >= this.confirmAfter;
  }
}

function reject(reason: RejectionReason): GateOutcome {
  return { accepted: false, reason };
}

function toFix(c: FixCandidate, at: Accepted, kind: FixKind): Fix {
  const fix: Fix = {
    fixTime: new Date(at.timeMs).toISOString(),
    lat: clean(at.lat),
    lon: clean(at.lon),
    fix: kind,
  };
  if (c.altMsl !== null && Number.isFinite(c.altMsl)) fix.alt = clean(c.altMsl);
  if (c.speedMs !== null && Number.isFinite(c.speedMs) && c.speedMs >= 0) fix.speed = clean(c.speedMs);
  if (c.courseTrue !== null && Number.isFinite(c.courseTrue) && c.courseTrue >= 0 && c.courseTrue <= 360) {
    // 360.0 is north too; the wire contract says [0, 360).
    fix.heading = clean(c.courseTrue % 360);
  }
  if (c.satsUsed !== null && Number.isInteger(c.satsUsed) && c.satsUsed >= 0) fix.sats = c.satsUsed;
  if (c.hdop !== null && Number.isFinite(c.hdop) && c.hdop >= 0) fix.hdop = clean(c.hdop);
  return fix;
}
