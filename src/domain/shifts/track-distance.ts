/**
 * Distance driven during a shift, from the stored track (issue 10, "distance driven, computed from
 * the stored track"). The track holds only fixes the quality gate accepted (src/domain/gnss/
 * quality-gate.ts drops jumps, no-fix and -0 positions), so no second jump filter is applied here.
 *
 * What remains is noise: a parked car's fixes wander by 2 to 5 m, and at one fix a second that
 * adds kilometres over a night. So distance only accrues when the car has moved `minStepM` (10 m)
 * from the last counted point (an "anchor"): parked jitter stays inside the circle, while a car in
 * town at 5 m/s counts every other fix, whose chord differs from the driven arc by far less than 1 %.
 * Segments are great-circle distances (src/domain/geo.ts, haversine on the mean-radius sphere; 0.5 %
 * at most from the ellipsoid).
 */
import { distanceM, type LatLon } from "../geo.ts";

export interface DistanceOptions {
  /** Movement under this from the last counted point is noise. */
  readonly minStepM: number;
}

export const defaultDistanceOptions: DistanceOptions = { minStepM: 10 };

/** Fed point by point, in track order (the track is read in pages). */
export class DistanceAccumulator {
  private anchor: LatLon | null = null;
  private total = 0;

  constructor(private readonly options: DistanceOptions = defaultDistanceOptions) {}

  add(point: LatLon): void {
    if (this.anchor === null) {
      this.anchor = point;
      return;
    }
    const step = distanceM(this.anchor, point);
    if (step >= this.options.minStepM) {
      this.total += step;
      this.anchor = point;
    }
  }

  metres(): number {
    return this.total;
  }
}

/** Metres driven along `points` (in track order). */
export function trackDistanceM(
  points: Iterable<LatLon>,
  options: DistanceOptions = defaultDistanceOptions,
): number {
  const accumulator = new DistanceAccumulator(options);
  for (const point of points) accumulator.add(point);
  return accumulator.metres();
}
