/**
 * Which calendar day a GNSS time of day belongs to.
 *
 * - The date comes from RMC or ZDA only, never from the system clock: a car's RTC battery dies,
 *   and nmea-simple's GGA/GLL/GNS `Date` takes its date from the system clock, so a fix sent at
 *   23:59:59.5 and parsed after midnight lands a day in the future (PITFALLS.md).
 * - Sentences without a date (GGA, GLL, GNS) take the date of the last dated sentence, rolled over
 *   midnight: a time of day more than 12 h *before* the anchor's is on the next day (00:00:00.2
 *   after an RMC of 23:59:59.8), more than 12 h *after* it on the previous day (a straggler).
 * - RMC has a two-digit year: it is placed in the century that puts it nearest the reference date.
 * - GPS week roll-over: old receivers count 1024 weeks (10 bits) and then report a date 1024 weeks
 *   (7168 days) in the past (6 April 2019, gpsd log `april6_2019`, Telit roll-over note). A date
 *   more than 512 weeks before the reference date is moved forward by 1024 weeks until it is not.
 *   The reference date is the earliest date the software can run at (its build or a stored last
 *   good date), so a genuine date is never that far behind it.
 */
import type { NmeaDate } from "./sentences.ts";

export const dayMs = 86_400_000;
/** 1024 GPS weeks, the period of the 10-bit week number broadcast in the navigation message. */
export const gpsWeekRolloverDays = 1024 * 7;
const halfDayMs = dayMs / 2;

/** Days since 1970-01-01 of a valid Gregorian date, or null (31 February, month 13, ...). */
export function dayNumber(year: number, month: number, day: number): number | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC maps years 0-99 to 1900-1999; refuse them rather than guess.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return Math.round(ms / dayMs);
}

/** Parses a `YYYY-MM-DD` reference date into a day number; null when malformed. */
export function parseReferenceDate(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  return dayNumber(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Puts a two-digit year in the century nearest to the reference year. */
export function fullYear(twoDigitYear: number, referenceYear: number): number {
  const century = Math.floor(referenceYear / 100) * 100;
  let best = century + twoDigitYear;
  for (const candidate of [best - 100, best + 100]) {
    if (Math.abs(candidate - referenceYear) < Math.abs(best - referenceYear)) best = candidate;
  }
  return best;
}

/** Moves a day that is more than 512 weeks before the reference forward by whole 1024-week periods. */
export function correctWeekRollover(day: number, referenceDay: number): number {
  let corrected = day;
  // At most a few periods: a receiver cannot be more than a couple of roll-overs behind.
  for (let i = 0; i < 4 && corrected < referenceDay - gpsWeekRolloverDays / 2; i++) {
    corrected += gpsWeekRolloverDays;
  }
  return corrected;
}

/** The day number of a receiver date, with century and week roll-over resolved; null if invalid. */
export function resolveDay(date: NmeaDate, referenceDay: number): number | null {
  const referenceYear = new Date(referenceDay * dayMs).getUTCFullYear();
  const year = date.twoDigitYear ? fullYear(date.year, referenceYear) : date.year;
  const day = dayNumber(year, date.month, date.day);
  return day === null ? null : correctWeekRollover(day, referenceDay);
}

/**
 * Keeps the last dated (day, time of day) and dates the sentences that carry only a time of day.
 * Pure state, no clock.
 */
export class GnssDateResolver {
  private anchor: { day: number; timeOfDayMs: number } | null = null;

  /**
   * @param assumedDay the day a capture was recorded, when the operator or the capture says so
   *   (`--date`, `# Date:`). Only used for a receiver that sends no date at all (an echo sounder's
   *   GLL): never a clock's day, which is exactly what PITFALLS.md forbids.
   */
  constructor(
    private readonly referenceDay: number,
    private readonly assumedDay: number | null = null,
  ) {}

  /**
   * No date has come from the receiver and none will (its undated cycles overflowed, or the input
   * ended): anchor on the assumed day at this time of day. False when there is no assumed day or a
   * real date is already known.
   */
  assume(timeOfDayMs: number): boolean {
    if (this.anchor !== null || this.assumedDay === null) return false;
    this.anchor = { day: this.assumedDay, timeOfDayMs };
    return true;
  }

  /** A sentence that carries its own date (RMC, ZDA): returns epoch ms, or null if the date is invalid. */
  dated(date: NmeaDate, timeOfDayMs: number): number | null {
    const day = resolveDay(date, this.referenceDay);
    if (day === null) return this.undated(timeOfDayMs);
    this.anchor = { day, timeOfDayMs };
    return day * dayMs + timeOfDayMs;
  }

  /** A sentence with only a time of day: returns epoch ms, or null while no date is known. */
  undated(timeOfDayMs: number): number | null {
    const anchor = this.anchor;
    if (anchor === null) return null;
    let day = anchor.day;
    const delta = timeOfDayMs - anchor.timeOfDayMs;
    if (delta < -halfDayMs) day += 1;
    else if (delta > halfDayMs) day -= 1;
    const epochMs = day * dayMs + timeOfDayMs;
    // Move the anchor forward only, so that a late straggler does not drag the date back.
    if (epochMs > anchor.day * dayMs + anchor.timeOfDayMs) this.anchor = { day, timeOfDayMs };
    return epochMs;
  }

  /** Epoch ms of the last dated or rolled-over sentence, or null. */
  lastKnown(): number | null {
    return this.anchor === null ? null : this.anchor.day * dayMs + this.anchor.timeOfDayMs;
  }
}
