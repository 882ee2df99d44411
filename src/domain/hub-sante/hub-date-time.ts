/**
 * Date-times as Hub Santé writes them: `2026-11-23T22:04:05+01:00`.
 *
 * - The RS-SR and GEO-POS `datetime` fields carry the pattern
 *   `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[\-+]\d{2}:\d{2}$`: local time with a numeric offset and no
 *   fractional seconds (shared/interop/hub-sante/RS-SR.schema.json, GEO-POS.schema.json). A `Z`
 *   fails that pattern, and so does `.123`.
 * - The distribution element (RC-DE `sentAt`) adds that `Z` must not be used and that UTC is
 *   written `-00:00`: a zone whose offset is zero at that instant gets `-00:00`.
 * - Fractions are dropped (floor), never rounded: a status entered at 21:04:05.999 did not happen
 *   at 21:04:06, and two statuses keep their order.
 *
 * The offset comes from the IANA zone (Europe/Paris by default: +01:00 in winter, +02:00 in summer),
 * through Intl, so DST changes and historical rules are the runtime's tz data, not ours.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // Throws RangeError for an unknown zone: config validation calls isValidTimeZone first.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      timeZoneName: "longOffset",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export const defaultHubTimeZone = "Europe/Paris";

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** `longOffset` gives `GMT+01:00`, `GMT-03:30`, and `GMT` or `GMT+00:00` for a zero offset (RC-DE: `-00:00`). */
function offsetOf(name: string): string {
  const match = /^GMT([+-]\d{2}):?(\d{2})?$/.exec(name);
  if (match === null) return "-00:00";
  const offset = `${match[1]}:${match[2] ?? "00"}`;
  return offset === "+00:00" ? "-00:00" : offset;
}

/** Hub Santé date-time of an instant (epoch ms) in `timeZone`, to the second. */
export function hubDateTime(epochMs: number, timeZone: string = defaultHubTimeZone): string {
  const instant = new Date(Math.floor(epochMs / 1000) * 1000);
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const year = (parts.year ?? "").padStart(4, "0");
  return `${year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offsetOf(parts.timeZoneName ?? "")}`;
}
