/**
 * Hub Santé date-times: local time with a numeric offset, no fractions (RS-SR / GEO-POS `datetime`
 * pattern), across the Europe/Paris DST changes.
 */
import { describe, expect, it } from "vitest";
import { hubDateTime, isValidTimeZone } from "../../../../src/domain/hub-sante/hub-date-time.ts";

const officialPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/;
const at = (iso: string) => Date.parse(iso);

describe("hubDateTime", () => {
  it.each([
    // Winter: +01:00.
    ["2026-11-23T21:04:05.123Z", "2026-11-23T22:04:05+01:00"],
    // The spring change, 29 March 2026 at 01:00 UTC: 01:59:59 +01:00, then 03:00:00 +02:00.
    ["2026-03-29T00:59:59.999Z", "2026-03-29T01:59:59+01:00"],
    ["2026-03-29T01:00:00.000Z", "2026-03-29T03:00:00+02:00"],
    // The autumn change, 25 October 2026 at 01:00 UTC: 02:59:59 +02:00, then 02:00:00 +01:00 again.
    ["2026-10-25T00:59:59.000Z", "2026-10-25T02:59:59+02:00"],
    ["2026-10-25T01:00:00.000Z", "2026-10-25T02:00:00+01:00"],
    // New year in Paris while it is still the old year in UTC.
    ["2026-12-31T23:30:00.000Z", "2027-01-01T00:30:00+01:00"],
  ])("writes %s as %s", (iso, expected) => {
    const text = hubDateTime(at(iso));
    expect(text).toBe(expected);
    expect(text).toMatch(officialPattern);
  });

  it("keeps the two 02:30 of the autumn change apart by their offsets", () => {
    const first = hubDateTime(at("2026-10-25T00:30:00Z"));
    const second = hubDateTime(at("2026-10-25T01:30:00Z"));
    expect(first).toBe("2026-10-25T02:30:00+02:00");
    expect(second).toBe("2026-10-25T02:30:00+01:00");
    expect(Date.parse(first)).toBeLessThan(Date.parse(second));
  });

  it("drops fractions instead of rounding, so that 21:04:05.999 stays in its second", () => {
    expect(hubDateTime(at("2026-11-23T21:04:05.999Z"))).toBe("2026-11-23T22:04:05+01:00");
  });

  it("writes a zero offset -00:00, never Z (RC-DE)", () => {
    expect(hubDateTime(at("2026-11-23T21:04:05Z"), "UTC")).toBe("2026-11-23T21:04:05-00:00");
    expect(hubDateTime(at("2026-01-15T12:00:00Z"), "Europe/London")).toBe("2026-01-15T12:00:00-00:00");
  });

  it("follows another zone's offset (overseas associations)", () => {
    expect(hubDateTime(at("2026-11-23T21:04:05Z"), "Indian/Reunion")).toBe("2026-11-24T01:04:05+04:00");
    expect(hubDateTime(at("2026-11-23T21:04:05Z"), "America/Cayenne")).toBe("2026-11-23T18:04:05-03:00");
  });

  it("names the same instant as the input, to the second", () => {
    for (let t = at("2026-01-01T00:00:00Z"); t < at("2027-01-01T00:00:00Z"); t += 86_400_000 / 7 + 13_579) {
      expect(Date.parse(hubDateTime(t))).toBe(Math.floor(t / 1000) * 1000);
    }
  });

  it("tells a known zone from an unknown one", () => {
    expect(isValidTimeZone("Europe/Paris")).toBe(true);
    expect(isValidTimeZone("Europe/Atlantis")).toBe(false);
  });
});
