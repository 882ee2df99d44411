/** How times, distances and bearings read on the screen, in the doctor's language. */
import { distanceM, initialBearingDeg, type LatLon } from "../../../../src/domain/geo.ts";
import type { Lang } from "./i18n/i18n.ts";

const clockFormats = new Map<string, Intl.DateTimeFormat>();

function clockFormat(lang: Lang, seconds: boolean): Intl.DateTimeFormat {
  const key = `${lang}:${seconds}`;
  let format = clockFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      ...(seconds ? { second: "2-digit" } : {}),
      hourCycle: "h23",
    });
    clockFormats.set(key, format);
  }
  return format;
}

/** "03:12", the car's local time; with seconds for the header clock. */
export function clockTime(epochMs: number, lang: Lang, seconds = false): string {
  return clockFormat(lang, seconds).format(new Date(epochMs));
}

/** "850 m", "2,3 km" (fr) / "2.3 km" (en). */
export function distanceText(metres: number, lang: Lang): string {
  if (metres < 1000) return `${Math.round(metres / 10) * 10} m`;
  const km = metres < 10_000 ? (metres / 1000).toFixed(1) : String(Math.round(metres / 1000));
  return `${lang === "fr" ? km.replace(".", ",") : km} km`;
}

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
