/**
 * Small WGS84 geodesy for the reporting policy and its benchmark: great-circle distance, initial
 * bearing, the difference of two headings, and linear interpolation between two timed positions.
 *
 * A sphere of the IUGG mean radius is enough here: over the few hundred metres between two reports
 * the spherical error is below 0.5 %, far under a consumer receiver's 2-5 m noise, and the policy's
 * thresholds (tens of metres, tens of degrees) are not that precise anyway.
 */

export interface LatLon {
  /** WGS84 degrees. */
  lat: number;
  lon: number;
}

/** IUGG mean Earth radius, metres. */
export const earthRadiusM = 6_371_008.8;

const toRad = (deg: number): number => (deg * Math.PI) / 180;
const toDeg = (rad: number): number => (rad * 180) / Math.PI;

/**
 * Haversine distance in metres. The haversine form (rather than the spherical law of cosines) keeps
 * its precision at the metre scale, where parked-car jitter lives.
 */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = toRad(b.lat - a.lat);
  const dLon = toRad(b.lon - a.lon);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
  // min(1, ...) guards asin against rounding just above 1 for antipodal points.
  return 2 * earthRadiusM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial great-circle bearing from `a` to `b`, degrees true in [0, 360); 0 when they coincide. */
export function initialBearingDeg(a: LatLon, b: LatLon): number {
  const lat1 = toRad(a.lat);
  const lat2 = toRad(b.lat);
  const dLon = toRad(b.lon - a.lon);
  const y = Math.sin(dLon) * Math.cos(lat2);
  const x = Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(dLon);
  return normalizeDeg(toDeg(Math.atan2(y, x)));
}

/** The smaller angle between two headings, in [0, 180]: 350° and 10° are 20° apart, not 340°. */
export function angleDifferenceDeg(a: number, b: number): number {
  const d = Math.abs(normalizeDeg(a) - normalizeDeg(b));
  return d > 180 ? 360 - d : d;
}

/** Any angle in degrees, brought into [0, 360). */
export function normalizeDeg(deg: number): number {
  const r = deg % 360;
  // `+ 0` turns -0 into 0, so that a heading of -0 never reaches the wire.
  return (r < 0 ? r + 360 : r) + 0;
}

/**
 * The point a `fraction` of the way from `a` to `b`, interpolating latitude and longitude linearly.
 * That is what a map does between two reported positions, and over the distances between reports
 * (under a few kilometres, far from the poles) it differs from the great circle by centimetres.
 * Longitude is interpolated the short way round, so a segment across the antimeridian stays short.
 */
export function interpolate(a: LatLon, b: LatLon, fraction: number): LatLon {
  let dLon = b.lon - a.lon;
  if (dLon > 180) dLon -= 360;
  else if (dLon < -180) dLon += 360;
  let lon = a.lon + dLon * fraction;
  if (lon > 180) lon -= 360;
  else if (lon < -180) lon += 360;
  return { lat: a.lat + (b.lat - a.lat) * fraction, lon };
}

/** A position at a time (epoch ms): what a receiver of reports rebuilds a track from. */
export interface TimedLatLon extends LatLon {
  t: number;
}

/**
 * Where the straight line from `a` to `b` puts the car at time `t`, assuming constant speed between
 * them: dispatch's view of the track between two reports. `t` outside [a.t, b.t] is clamped; equal
 * times give `a`.
 */
export function positionAt(a: TimedLatLon, b: TimedLatLon, t: number): LatLon {
  const span = b.t - a.t;
  if (span <= 0) return { lat: a.lat, lon: a.lon };
  const fraction = Math.min(1, Math.max(0, (t - a.t) / span));
  return interpolate(a, b, fraction);
}
