import { describe, expect, it } from "vitest";
import { FixAssembler } from "../../../../src/domain/gnss/fix-assembler.ts";
import { parseReferenceDate } from "../../../../src/domain/gnss/gnss-date.ts";
import { gga, gsa, gsv, rmc, tod, vtg, zda } from "./gnss-sentence-builders.ts";

const referenceDay = parseReferenceDate("2026-01-01") as number;
const newAssembler = () => new FixAssembler({ referenceDay });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("fix assembler", () => {
  it("combines RMC, GGA and GSA of one cycle into one candidate when the next cycle starts", () => {
    const a = newAssembler();
    expect(a.push(rmc(tod(10, 0, 0), { speedKnots: 10, courseTrue: 90 }))).toEqual([]);
    expect(a.push(gga(tod(10, 0, 0), { quality: 2, satsUsed: 8, hdop: 1.1, altMsl: 30 }))).toEqual([]);
    expect(a.push(gsa(2))).toEqual([]);
    const [c, ...rest] = a.push(rmc(tod(10, 0, 1)));
    expect(rest).toEqual([]);
    expect(c).toMatchObject({
      timeOfDayMs: tod(10, 0, 0),
      ggaQuality: 2,
      gsaMode: 2,
      satsUsed: 8,
      hdop: 1.1,
      altMsl: 30,
      courseTrue: 90,
      statuses: ["A"],
      modes: ["A"],
    });
    expect(iso(c?.timeMs ?? null)).toBe("2026-11-23T10:00:00.000Z");
    expect(c?.speedMs).toBeCloseTo((10 * 1852) / 3600, 9);
  });

  it("makes one candidate per 100 ms cycle from a 10 Hz receiver", () => {
    const a = newAssembler();
    const out = [];
    for (let i = 0; i < 20; i++) {
      out.push(...a.push(rmc(tod(10, 0, 0, i * 100))), ...a.push(gga(tod(10, 0, 0, i * 100))));
    }
    out.push(...a.flush());
    expect(out.map((c) => c.timeOfDayMs)).toEqual(
      Array.from({ length: 20 }, (_, i) => tod(10, 0, 0, i * 100)),
    );
  });

  it("takes the position of the cycle's last position sentence, as gpsd does", () => {
    const a = newAssembler();
    a.push(gga(tod(10, 0, 0), { lat: 44.1234567, lon: -0.1234567 }));
    a.push(rmc(tod(10, 0, 0), { lat: 44.12345, lon: -0.12345 }));
    const [c] = a.flush();
    expect([c?.lat, c?.lon]).toEqual([44.12345, -0.12345]);
  });

  it("uses VTG for speed and course when the cycle has no RMC", () => {
    const a = newAssembler();
    a.push(zda(tod(10, 0, 0), 23, 11, 2026));
    a.push(gga(tod(10, 0, 0)));
    a.push(vtg({ courseTrue: 45, speedKnots: null, speedKmh: 36 }));
    const [c] = a.flush();
    expect(c?.courseTrue).toBe(45);
    expect(c?.speedMs).toBeCloseTo(10, 9);
  });

  it("holds cycles that come before any date and dates them from the first RMC", () => {
    const a = newAssembler();
    expect(a.push(gga(tod(23, 59, 58)))).toEqual([]);
    expect(a.push(gga(tod(23, 59, 59)))).toEqual([]);
    a.push(rmc(tod(0, 0, 0), { date: { day: 24, month: 11, year: 26, twoDigitYear: true } }));
    const released = a.push(gga(tod(0, 0, 1)));
    expect(released.map((c) => iso(c.timeMs))).toEqual([
      "2026-11-23T23:59:58.000Z",
      "2026-11-23T23:59:59.000Z",
      "2026-11-24T00:00:00.000Z",
    ]);
  });

  it("releases held cycles undated when no date ever comes", () => {
    const a = newAssembler();
    const out = [];
    for (let s = 0; s < 25; s++) out.push(...a.push(gga(tod(10, 0, s))));
    out.push(...a.flush());
    expect(out).toHaveLength(25);
    expect(out.every((c) => c.timeMs === null)).toBe(true);
  });

  it("counts satellites in view per constellation, and one signal group only once", () => {
    const a = newAssembler();
    a.push(gsv("GP", 9));
    a.push(gsv("GP", 9, 1));
    a.push(gsv("GP", 4, 8)); // the L5 group of the same GPS satellites (NMEA 4.10 signal id)
    a.push(gsv("GL", 5));
    a.push(gsv("GA", 5));
    a.push(gsv("GB", 3));
    expect(a.satellites().inView).toEqual({ GPS: 9, GLONASS: 5, Galileo: 5, BeiDou: 3 });
  });

  it("reports the satellites used by the last cycle, from GGA or else from the GSA sets", () => {
    const a = newAssembler();
    expect(a.satellites().used).toBeNull();
    a.push(rmc(tod(10, 0, 0)));
    a.push(gga(tod(10, 0, 0), { satsUsed: 11 }));
    a.flush();
    expect(a.satellites().used).toBe(11);
    const b = newAssembler();
    b.push(rmc(tod(10, 0, 0)));
    b.push(gsa(3, { talker: "GN", systemId: 1, prns: [1, 2, 3] }));
    b.push(gsa(3, { talker: "GN", systemId: 2, prns: [70, 71] }));
    b.flush();
    expect(b.satellites().used).toBe(5);
  });

  it("drops a last cycle cut short at the end of input, but keeps a complete one", () => {
    const a = newAssembler();
    for (let s = 0; s < 3; s++) {
      a.push(rmc(tod(10, 0, s)));
      a.push(gga(tod(10, 0, s)));
    }
    a.push(rmc(tod(10, 0, 3))); // the input stops before this cycle's GGA
    expect(a.flush()).toEqual([]);
    expect(a.incompleteCycles()).toBe(1);
    const b = newAssembler();
    for (let s = 0; s < 3; s++) {
      b.push(rmc(tod(10, 0, s)));
      b.push(gga(tod(10, 0, s)));
    }
    expect(b.flush().map((c) => c.timeOfDayMs)).toEqual([tod(10, 0, 2)]);
  });

  it("keeps memory bounded when a receiver sends GSA without end and never a new time", () => {
    const a = newAssembler();
    for (let i = 0; i < 10_000; i++) a.push(gsa(3, { prns: [i % 32] }));
    a.push(rmc(tod(10, 0, 0)));
    for (let i = 0; i < 10_000; i++) a.push(gsa(3, { prns: [1, 2] }));
    a.flush();
    // Only the last 8 GSA of the cycle are kept (8 × 2 PRNs), not 10,000.
    expect(a.satellites().used).toBe(16);
  });

  it("ignores position sentences that carry no time of day", () => {
    const a = newAssembler();
    expect(a.push(rmc(Number.NaN, { timeOfDayMs: null }))).toEqual([]);
    expect(a.flush()).toEqual([]);
  });
});
