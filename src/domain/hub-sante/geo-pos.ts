/**
 * Positions → Hub Santé GEO-POS (`geoPositionsUpdate`), and the pace at which they go out.
 *
 * Field by field (shared/interop/hub-sante/GEO-POS.schema.json):
 * - `datetime`: the fix's GNSS time, local with offset (hub-date-time.ts). The schema calls it the
 *   time the coordinates were received; the fix time is when the car was there, which is what a
 *   regulator reads on a map, and it does not drift when a position waited in the car's outbox.
 * - `coord`: WGS84 `lat`, `lon`, and `height` (m) when the receiver gave an altitude.
 * - `speed` in km/h (ours is m/s), `cap` in degrees (our heading, true north), only when known: a
 *   missing value is absent, never 0 (DESIGN.md §5).
 * - `move`: MOBILE at 5 km/h or more, STATIQUE below; absent without a speed. A parked car's GNSS
 *   speed wanders up to 2-3 km/h, which must not read as moving.
 * - `engineOn`: absent. We do not know it for sure (the controller's ignition is not the engine).
 * - `status` and `engagedStatus` from the car's status (`geoStatus` below).
 *
 * Pace (issue 8): at most one GEO-POS per car every `intervalMs`, carrying the newest fix; a fix no
 * newer than the last one sent is never sent again.
 */
import type { StatusKey } from "../radio-status.ts";
import { hubDateTime } from "./hub-date-time.ts";
import type { HubCarState } from "./rs-sr.ts";

export type GeoStatus = "DISPONIBLE" | "INDISPONIBLE" | "INCONNU";
export type GeoEngagedStatus =
  | "ALERTEE"
  | "PARTIE"
  | "ARRIVEE_LIEU"
  | "TRANSPORT_DESTINATION"
  | "ARRIVEE_DESTINATION"
  | "FIN_MED"
  | "QUITTE_DESTINATION"
  | "RETOUR_DISPONIBLE"
  | "RETOUR_INDISPONIBLE"
  | "ARRIVEE_CENTRE";

export interface GeoPosition {
  resourceId: string;
  datetime: string;
  coord: { lat: number; lon: number; height?: number };
  speed?: number;
  cap?: number;
  move?: "MOBILE" | "STATIQUE";
  status?: GeoStatus;
  engagedStatus?: GeoEngagedStatus;
}

export interface GeoPositionsUpdate {
  position: GeoPosition[];
}

/** A fix as dispatch stores it (PROTOCOL.md A `position`), time as epoch ms. */
export interface HubFix {
  fixTime: number;
  lat: number;
  lon: number;
  alt?: number;
  /** m/s */
  speed?: number;
  /** degrees, true north */
  heading?: number;
}

/** Speed at and above which a car is MOBILE. */
export const movingKmh = 5;

/**
 * `engagedStatus` only describes a resource engaged on a mission (the schema's description), so the
 * free statuses have none. `unavailable` right after a visit (its case still open) is
 * RETOUR_INDISPONIBLE; otherwise (maintenance, a break) it has none. with_patient and samu_backup
 * happen at the patient's: ARRIVEE_LIEU.
 */
const byStatus: Record<StatusKey, { status: GeoStatus; engaged: GeoEngagedStatus | null }> = {
  available: { status: "DISPONIBLE", engaged: null },
  at_base: { status: "DISPONIBLE", engaged: null },
  en_route: { status: "INDISPONIBLE", engaged: "PARTIE" },
  on_scene: { status: "INDISPONIBLE", engaged: "ARRIVEE_LIEU" },
  with_patient: { status: "INDISPONIBLE", engaged: "ARRIVEE_LIEU" },
  samu_backup: { status: "INDISPONIBLE", engaged: "ARRIVEE_LIEU" },
  visit_done: { status: "INDISPONIBLE", engaged: "FIN_MED" },
  unavailable: { status: "INDISPONIBLE", engaged: null },
  // Never a car's lasting status (HubCarState.statusKey): listed for completeness.
  call_request: { status: "INCONNU", engaged: null },
  emergency: { status: "INDISPONIBLE", engaged: null },
};

/** GEO-POS `status` / `engagedStatus` for a car. An emergency makes it unavailable, whatever before. */
export function geoStatus(state: HubCarState): { status: GeoStatus; engagedStatus?: GeoEngagedStatus } {
  if (state.statusKey === null) return { status: state.emergency ? "INDISPONIBLE" : "INCONNU" };
  const row = byStatus[state.statusKey];
  let engaged = row.engaged;
  if (state.statusKey === "unavailable" && state.caseId !== null) engaged = "RETOUR_INDISPONIBLE";
  const status = state.emergency ? "INDISPONIBLE" : row.status;
  return engaged === null ? { status } : { status, engagedStatus: engaged };
}

export function geoPosition(
  fix: HubFix,
  state: HubCarState,
  context: { resourceId: string; timeZone: string },
): GeoPosition {
  const kmh = fix.speed === undefined ? undefined : Math.round(fix.speed * 36) / 10;
  return {
    resourceId: context.resourceId,
    datetime: hubDateTime(fix.fixTime, context.timeZone),
    coord: { lat: fix.lat, lon: fix.lon, ...(fix.alt === undefined ? {} : { height: fix.alt }) },
    ...(kmh === undefined ? {} : { speed: kmh, move: kmh >= movingKmh ? "MOBILE" : "STATIQUE" }),
    ...(fix.heading === undefined ? {} : { cap: fix.heading }),
    ...geoStatus(state),
  };
}

export interface GeoPosSent {
  /** Wall-clock epoch ms of the last GEO-POS for this car, null before the first. */
  sentAt: number | null;
  /** GNSS time (epoch ms) of the fix it carried. */
  fixTime: number | null;
}

/**
 * Whether a car's newest fix goes out now. A wall clock set back (sentAt in the future) does not
 * hold the car's positions back until it catches up: the next fix goes, and the pace restarts from it.
 */
export function geoPosDue(last: GeoPosSent, newestFixTime: number, now: number, intervalMs: number): boolean {
  if (last.fixTime !== null && newestFixTime <= last.fixTime) return false;
  if (last.sentAt === null || now < last.sentAt) return true;
  return now - last.sentAt >= intervalMs;
}
