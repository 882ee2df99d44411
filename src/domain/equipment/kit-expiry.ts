/**
 * Expiry of kits (`infusion_kit`, `drug_kit`) and of stored drugs, issue 5:
 *   expiry date passed             → fault
 *   expiry within the warning days → warning (7 in the issue; a kit's profile `warnDaysBeforeExpiry`)
 *
 * Dates are calendar days, `YYYY-MM-DD`, and `expiresOn` is the last day of use (a product marked
 * "EXP 2027-03-31" may be used on the 31st). So, with `daysLeft = expiresOn − today`:
 *   daysLeft < 0             → fault "expired"
 *   0 ≤ daysLeft ≤ warnDays  → warning ("expires today" when 0, "in 7 days" when exactly 7)
 *   daysLeft > warnDays      → ok
 *
 * Which calendar? The car's, Europe/Paris: a kit expiring on the 31st is fine until local midnight,
 * and a UTC day would turn it expired at 01:00 or 02:00 local time, in the middle of a night shift.
 * The domain has no clock: the caller passes `today`, computed with `calendarDate(now, timeZone)`.
 */
import type { Finding } from "./readiness-labels.ts";

/** The car's calendar; see above. */
export const defaultTimeZone = "Europe/Paris";
/** Issue 5: "an expiry within 7 days is a warning" (used where the profile gives no number). */
export const defaultWarnDaysBeforeExpiry = 7;

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayMs = 86_400_000;

function dayNumber(iso: string): number {
  const match = isoDate.exec(iso);
  if (match === null) throw new RangeError(`expected a date YYYY-MM-DD, got "${iso}"`);
  const [, y, m, d] = match;
  const utc = Date.UTC(Number(y), Number(m) - 1, Number(d));
  // Date.UTC rolls 2027-02-30 over to March: refuse it rather than count a day that does not exist.
  if (new Date(utc).toISOString().slice(0, 10) !== iso) throw new RangeError(`no such date "${iso}"`);
  return utc / dayMs;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * The calendar date (`YYYY-MM-DD`) of an instant in a time zone. Pure: Intl reads the time-zone
 * database, not the clock. 2026-03-31T22:30Z is already 2026-04-01 in Paris (CEST, UTC+2).
 */
export function calendarDate(epochMs: number, timeZone: string = defaultTimeZone): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(epochMs);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export function assessExpiry(expiresOn: string, today: string, warnDays: number): Finding[] {
  const daysLeft = daysBetween(today, expiresOn);
  if (daysLeft < 0) return [{ state: "fault", reason: { code: "expired", expiresOn } }];
  if (daysLeft <= warnDays)
    return [{ state: "warning", reason: { code: "expires_soon", expiresOn, daysLeft } }];
  return [];
}

/** The profile's kit fields (`infusion_kit`, `drug_kit` in src/contracts/vehicle-profile.ts). */
export interface KitRule {
  /** The earliest expiry of anything in the kit. */
  readonly expiresOn: string;
  readonly warnDaysBeforeExpiry: number;
}

export function assessKit(rule: KitRule, today: string): Finding[] {
  return assessExpiry(rule.expiresOn, today, rule.warnDaysBeforeExpiry);
}
