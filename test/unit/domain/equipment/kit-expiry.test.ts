import { describe, expect, it } from "vitest";
import {
  assessExpiry,
  assessKit,
  calendarDate,
  daysBetween,
} from "../../../../src/domain/equipment/kit-expiry.ts";

describe("kit expiry", () => {
  it("is ok 8 days before expiry and warns at exactly 7 days (issue 5's 7 days)", () => {
    expect(assessExpiry("2027-03-31", "2027-03-23", 7)).toEqual([]);
    expect(assessExpiry("2027-03-31", "2027-03-24", 7)).toEqual([
      { state: "warning", reason: { code: "expires_soon", expiresOn: "2027-03-31", daysLeft: 7 } },
    ]);
  });

  it("warns on the expiry day itself (the last day of use) and is faulty the day after", () => {
    expect(assessExpiry("2027-03-31", "2027-03-31", 7)[0]).toMatchObject({
      state: "warning",
      reason: { daysLeft: 0 },
    });
    expect(assessExpiry("2027-03-31", "2027-04-01", 7)).toEqual([
      { state: "fault", reason: { code: "expired", expiresOn: "2027-03-31" } },
    ]);
  });

  it("uses the kit's own warning days from the profile (30 in bdx-07)", () => {
    const kit = { expiresOn: "2027-01-31", warnDaysBeforeExpiry: 30 };
    expect(assessKit(kit, "2027-01-01")[0]?.state).toBe("warning");
    expect(assessKit(kit, "2026-12-31")).toEqual([]);
  });

  it("counts calendar days across months, leap days and DST changes", () => {
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
    expect(daysBetween("2027-03-27", "2027-03-29")).toBe(2);
    expect(daysBetween("2027-01-10", "2027-01-09")).toBe(-1);
  });

  it("refuses a malformed or impossible date rather than guessing", () => {
    expect(() => daysBetween("2027-02-30", "2027-03-01")).toThrow(RangeError);
    expect(() => daysBetween("31/03/2027", "2027-03-01")).toThrow(RangeError);
  });

  it("takes today in the car's calendar: 22:30 UTC on 31 March is already 1 April in Paris", () => {
    const instant = Date.parse("2027-03-31T22:30:00Z");
    expect(calendarDate(instant)).toBe("2027-04-01");
    expect(calendarDate(instant, "UTC")).toBe("2027-03-31");
    // So a kit expiring on 31 March is expired at 00:30 Paris time, not at 02:00.
    expect(assessExpiry("2027-03-31", calendarDate(instant), 7)[0]?.state).toBe("fault");
  });

  it("takes the winter offset too: 23:30 UTC on 15 January is 16 January in Paris", () => {
    expect(calendarDate(Date.parse("2027-01-15T23:30:00Z"))).toBe("2027-01-16");
    expect(calendarDate(Date.parse("2027-01-15T22:59:59Z"))).toBe("2027-01-15");
  });
});
