/**
 * Day and night (issue 6): "auto" follows the sun at the car's position (suncalc), so the screen
 * goes dark at sunset in Bordeaux in December and in June alike. Night is from sunset to sunrise,
 * i.e. the sun's centre below −0.833° (refraction and the sun's radius, the sunrise/sunset
 * definition suncalc uses). Without any position yet, 20:00–07:00 counts as night.
 */
import { getPosition } from "suncalc";

export type ThemeChoice = "auto" | "day" | "night";
export type Theme = "day" | "night";

const sunsetAltitudeDeg = -0.833;

export function isNight(now: Date, position: { lat: number; lon: number } | null): boolean {
  if (position === null) {
    const hour = now.getHours();
    return hour >= 20 || hour < 7;
  }
  return getPosition(now, position.lat, position.lon).altitude < sunsetAltitudeDeg;
}

export function resolveTheme(
  choice: ThemeChoice,
  now: Date,
  position: { lat: number; lon: number } | null,
): Theme {
  if (choice !== "auto") return choice;
  return isNight(now, position) ? "night" : "day";
}
