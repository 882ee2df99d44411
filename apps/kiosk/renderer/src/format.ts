/**
 * How times, distances and bearings read on the screen, in the doctor's language; clock times and
 * distances read as on the dispatch console.
 */
import { distanceM, initialBearingDeg, type LatLon } from "../../../../src/domain/geo.ts";
import { clockTime, distanceText } from "../../../web-build/clock-distance-text.ts";
import type { Lang } from "./i18n/i18n.ts";

export { clockTime, distanceText };

const cardinals: Record<Lang, string[]> = {
  fr: ["N", "NE", "E", "SE", "S", "SO", "O", "NO"],
  en: ["N", "NE", "E", "SE", "S", "SW", "W", "NW"],
};

export function cardinal(bearingDeg: number, lang: Lang): string {
  return cardinals[lang][Math.round(bearingDeg / 45) % 8] ?? "N";
}

export interface DistanceBearing {
  metres: number;
  bearingDeg: number;
}

export function fromCarTo(
  car: LatLon | null,
  target: { lat?: number; lon?: number },
): DistanceBearing | null {
  if (car === null || target.lat === undefined || target.lon === undefined) return null;
  const to = { lat: target.lat, lon: target.lon };
  return { metres: distanceM(car, to), bearingDeg: Math.round(initialBearingDeg(car, to)) % 360 };
}
