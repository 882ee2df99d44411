import { describe, expect, it } from "vitest";
import {
  correctWeekRollover,
  dayMs,
  dayNumber,
  fullYear,
  GnssDateResolver,
  gpsWeekRolloverDays,
  parseReferenceDate,
  resolveDay,
} from "../../../../src/domain/gnss/gnss-date.ts";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / dayMs;
const at = (hh: number, mm: number, ss: number, ms = 0) => ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());

describe("GNSS dates", () => {
  it("puts a two-digit year in the century nearest the reference date", () => {
    expect(fullYear(26, 2026)).toBe(2026);
    expect(fullYear(99, 2026)).toBe(1999);
    expect(fullYear(5, 2099)).toBe(2105);
    expect(fullYear(99, 2001)).toBe(1999);
  });

  it("rejects impossible dates and malformed reference dates", () => {
    expect(dayNumber(2026, 2, 31)).toBeNull();
    expect(dayNumber(2026, 13, 1)).toBeNull();
    expect(dayNumber(99, 8, 22)).toBeNull();
    expect(parseReferenceDate("2026-1-5")).toBeNull();
    expect(parseReferenceDate("2026-02-30")).toBeNull();
    expect(parseReferenceDate("2026-11-23")).toBe(day("2026-11-23"));
  });

  it("corrects a date 1024 weeks before the reference (the April 2019 GPS week roll-over)", () => {
    const reference = day("2019-03-14");
    const receiverSays = resolveDay({ day: 22, month: 8, year: 99, twoDigitYear: true }, reference);
    expect(receiverSays).toBe(day("2019-04-07"));
    expect(correctWeekRollover(day("1999-08-22"), reference) - day("1999-08-22")).toBe(gpsWeekRolloverDays);
  });

  it("leaves genuine dates near the reference alone, before or after it", () => {
    const reference = day("2026-01-01");
    expect(correctWeekRollover(day("2024-06-09"), reference)).toBe(day("2024-06-09"));
    expect(correctWeekRollover(day("2031-06-09"), reference)).toBe(day("2031-06-09"));
    expect(resolveDay({ day: 23, month: 11, year: 2026, twoDigitYear: false }, reference)).toBe(
      day("2026-11-23"),
    );
  });

  it("corrects a receiver two roll-overs behind (1980 RTC date)", () => {
    expect(correctWeekRollover(day("1980-01-06"), day("2026-01-01"))).toBe(day("2019-04-07"));
  });

  it("knows no date before the first RMC or ZDA (never the system clock)", () => {
    const dates = new GnssDateResolver(day("2026-01-01"));
    expect(dates.undated(at(12, 0, 0))).toBeNull();
    expect(dates.lastKnown()).toBeNull();
  });

  it("keeps the RMC's day for a GGA at 23:59:59.5 that follows it", () => {
    const dates = new GnssDateResolver(day("2026-01-01"));
    const d = { day: 23, month: 11, year: 26, twoDigitYear: true };
    expect(iso(dates.dated(d, at(23, 59, 59, 0)))).toBe("2026-11-23T23:59:59.000Z");
    expect(iso(dates.undated(at(23, 59, 59, 500)))).toBe("2026-11-23T23:59:59.500Z");
  });

  it("gives the next day to a sentence just after midnight, before the next RMC", () => {
    const dates = new GnssDateResolver(day("2026-01-01"));
    dates.dated({ day: 23, month: 11, year: 26, twoDigitYear: true }, at(23, 59, 59, 900));
    expect(iso(dates.undated(at(0, 0, 0, 100)))).toBe("2026-11-24T00:00:00.100Z");
    expect(iso(dates.undated(at(0, 0, 1)))).toBe("2026-11-24T00:00:01.000Z");
  });

  it("keeps a late straggler from before midnight on the previous day", () => {
    const dates = new GnssDateResolver(day("2026-01-01"));
    dates.dated({ day: 24, month: 11, year: 2026, twoDigitYear: false }, at(0, 0, 0, 200));
    expect(iso(dates.undated(at(23, 59, 59, 800)))).toBe("2026-11-23T23:59:59.800Z");
    // ...and the straggler does not drag the anchor back.
    expect(iso(dates.undated(at(0, 0, 0, 300)))).toBe("2026-11-24T00:00:00.300Z");
  });

  it("falls back to the anchor when a dated sentence carries an impossible date", () => {
    const dates = new GnssDateResolver(day("2026-01-01"));
    dates.dated({ day: 23, month: 11, year: 26, twoDigitYear: true }, at(10, 0, 0));
    expect(iso(dates.dated({ day: 31, month: 2, year: 26, twoDigitYear: true }, at(10, 0, 1)))).toBe(
      "2026-11-23T10:00:01.000Z",
    );
  });
});
