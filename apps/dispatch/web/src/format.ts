/** How times and ages read on the console; clock times and distances read as on the doctor's screen. */
import { clockTime, distanceText } from "../../../web-build/clock-distance-text.ts";
import type { Lang } from "./i18n/i18n.ts";

export { clockTime, distanceText };

/** "12 s", "4 min", "2 h 05", "3 j" / "3 d": the age of a position or a status, at a glance. */
export function ageText(fromMs: number, nowMs: number, lang: Lang): string {
  const seconds = Math.max(0, Math.floor((nowMs - fromMs) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")}`;
  return `${Math.floor(hours / 24)} ${lang === "fr" ? "j" : "d"}`;
}

/** A date-time in the operator's language: "23/11 21:04:05". */
export function dateTime(epochMs: number, lang: Lang): string {
  const date = new Date(epochMs);
  const day = `${String(date.getDate()).padStart(2, "0")}/${String(date.getMonth() + 1).padStart(2, "0")}`;
  return `${day} ${clockTime(epochMs, lang, true)}`;
}

export function parseTime(iso: string | null | undefined): number | null {
  if (iso === null || iso === undefined) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
