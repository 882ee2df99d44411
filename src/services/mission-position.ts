/**
 * The car's current position for statuses, timeline entries and alarms: the newest stored fix, if it
 * is recent enough. A status sent with a position from an hour ago (a tunnel, a dead receiver) would
 * put the car where it is not, so an old fix gives no position at all: PROTOCOL.md makes `lat`/`lon`
 * optional for that reason.
 */
import type { TrackStore } from "./track-store.ts";

export interface CurrentPosition {
  lat: number;
  lon: number;
  /** GNSS time of the fix. */
  fixTime: string;
  /** Wall-clock epoch ms when the fix was received. */
  receivedAt: number;
}

/** How the mission services and the alarms read the position. */
export type PositionReader = () => CurrentPosition | null;

/** Two minutes: a stopped car still reports at least that often (reporting policy heartbeat). */
export const defaultPositionMaxAgeMs = 120_000;

export function currentPosition(
  track: Pick<TrackStore, "latest">,
  now: number,
  maxAgeMs = defaultPositionMaxAgeMs,
): CurrentPosition | null {
  const latest = track.latest();
  if (latest === null || now - latest.receivedAt > maxAgeMs) return null;
  return {
    lat: latest.fix.lat,
    lon: latest.fix.lon,
    fixTime: latest.fix.fixTime,
    receivedAt: latest.receivedAt,
  };
}

export function positionReader(
  track: Pick<TrackStore, "latest">,
  now: () => number,
  maxAgeMs = defaultPositionMaxAgeMs,
): PositionReader {
  return () => currentPosition(track, now(), maxAgeMs);
}

/** `{ lat, lon }` for a message body, or nothing: the two come together or not at all. */
export function positionFields(position: CurrentPosition | null): { lat?: number; lon?: number } {
  return position === null ? {} : { lat: position.lat, lon: position.lon };
}
