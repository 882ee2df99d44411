/**
 * Field readers for NMEA 0183, used where nmea-simple is wrong: its `parseFloatSafe` turns an empty
 * field into 0, its coordinates turn an empty field into -0 and a missing hemisphere into a
 * negative value, and its times take the date from the system clock (PITFALLS.md). Every reader
 * here returns `null` for an empty or malformed field, and never returns -0 or NaN.
 */
import type { ModeIndicator, NmeaDate } from "../../domain/gnss/sentences.ts";

const decimalPattern = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const integerPattern = /^[+-]?\d+$/;

/** `x + 0` turns -0 into +0 and leaves every other number alone. */
const noNegativeZero = (x: number) => x + 0;

export function decimal(field: string | undefined): number | null {
  if (field === undefined || field === "" || !decimalPattern.test(field)) return null;
  const value = Number(field);
  return Number.isFinite(value) ? noNegativeZero(value) : null;
}

export function integer(field: string | undefined): number | null {
  if (field === undefined || field === "" || !integerPattern.test(field)) return null;
  const value = Number(field);
  return Number.isSafeInteger(value) ? noNegativeZero(value) : null;
}

/** A decimal that must be >= 0 (speed, DOP, course): anything else is a corrupt field. */
export function nonNegative(field: string | undefined): number | null {
  const value = decimal(field);
  return value !== null && value >= 0 ? value : null;
}

const timePattern = /^(\d{2})(\d{2})(\d{2})(\.\d{1,6})?$/;

/**
 * `hhmmss[.sss]` → milliseconds since midnight, keeping the fraction (10 Hz receivers send
 * hundredths; nmea-simple's RMC drops them). A leap second (ss = 60) is accepted.
 */
export function timeOfDay(field: string | undefined): number | null {
  if (field === undefined) return null;
  const match = timePattern.exec(field);
  if (!match) return null;
  const h = Number(match[1]);
  const m = Number(match[2]);
  const s = Number(match[3]);
  if (h > 23 || m > 59 || s > 60) return null;
  const fraction = match[4] ? Math.min(999, Math.round(Number(match[4]) * 1000)) : 0;
  return ((h * 60 + m) * 60 + s) * 1000 + fraction;
}

const coordinatePattern = /^(\d{1,3})(\d{2}(?:\.\d*)?)$/;

/**
 * `ddmm.mmmm` / `dddmm.mmmm` + hemisphere → signed degrees, or null when the field is empty, the
 * hemisphere is not one of the two expected letters, minutes are >= 60, or the result is out of
 * range. nmea-simple reads a missing hemisphere as S/W and an empty field as -0.
 */
export function coordinate(
  field: string | undefined,
  hemisphere: string | undefined,
  kind: "lat" | "lon",
): number | null {
  if (field === undefined || hemisphere === undefined) return null;
  const match = coordinatePattern.exec(field);
  if (!match) return null;
  const positive = kind === "lat" ? "N" : "E";
  const negative = kind === "lat" ? "S" : "W";
  if (hemisphere !== positive && hemisphere !== negative) return null;
  const minutes = Number(match[2]);
  if (!(minutes < 60)) return null;
  const degrees = Number(match[1]) + minutes / 60;
  if (degrees > (kind === "lat" ? 90 : 180)) return null;
  return noNegativeZero(hemisphere === negative ? -degrees : degrees);
}

/** `A`/`V` status, else null. */
export function status(field: string | undefined): "A" | "V" | null {
  return field === "A" || field === "V" ? field : null;
}

/**
 * FAA mode indicator (NMEA 2.3+): letters from A D E F M N P R S (GNS sends one per constellation),
 * else null. Other letters are not modes: eXplorist110 writes `N,V` in GLL's status and mode.
 */
export function mode(field: string | undefined): ModeIndicator | null {
  return field !== undefined && /^[ADEFMNPRS]{1,8}$/.test(field) ? field : null;
}

const rmcDatePattern = /^(\d{2})(\d{2})(\d{2}|-\d)$/;

/**
 * RMC `ddmmyy`. After the April 2019 week roll-over some Telit modules write the year as `-1`
 * (gpsd log `april6_2019`, Telit roll-over application note): that is 99 - 100, so it is read
 * modulo 100 and the week roll-over correction (gnss-date.ts) then fixes the date.
 */
export function rmcDate(field: string | undefined): NmeaDate | null {
  if (field === undefined) return null;
  const match = rmcDatePattern.exec(field);
  if (!match) return null;
  const year = (((Number(match[3]) % 100) + 100) % 100) as number;
  return { day: Number(match[1]), month: Number(match[2]), year, twoDigitYear: true };
}

/** ZDA day, month and four-digit year fields. */
export function zdaDate(
  day: string | undefined,
  month: string | undefined,
  year: string | undefined,
): NmeaDate | null {
  const d = integer(day);
  const m = integer(month);
  const y = year !== undefined && /^\d{4}$/.test(year) ? Number(year) : null;
  if (d === null || m === null || y === null) return null;
  return { day: d, month: m, year: y, twoDigitYear: false };
}
