/** How clock times and distances read on both screens, in the reader's language. */
import type { Lang } from "./i18n.ts";

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

/** "03:12", the local time; with seconds for the header clocks. */
export function clockTime(epochMs: number, lang: Lang, seconds = false): string {
  return clockFormat(lang, seconds).format(new Date(epochMs));
}

/** "850 m", "2,3 km" (fr) / "2.3 km" (en). */
export function distanceText(metres: number, lang: Lang): string {
  if (metres < 1000) return `${Math.round(metres / 10) * 10} m`;
  const km = metres < 10_000 ? (metres / 1000).toFixed(1) : String(Math.round(metres / 1000));
  return `${lang === "fr" ? km.replace(".", ",") : km} km`;
}
