import { describe, expect, it } from "vitest";
import {
  angleDifferenceDeg,
  distanceM,
  earthRadiusM,
  initialBearingDeg,
  interpolate,
  normalizeDeg,
  positionAt,
} from "../../../src/domain/geo.ts";

const bourse = { lat: 44.84149, lon: -0.5702 };
const oneDegreeM = (2 * Math.PI * earthRadiusM) / 360; // 111,195 m on the mean sphere

describe("distanceM", () => {
  it("is zero from a point to itself", () => {
    expect(distanceM(bourse, bourse)).toBe(0);
  });

  it("measures one degree of latitude as 111.195 km", () => {
    expect(distanceM({ lat: 44, lon: -0.5 }, { lat: 45, lon: -0.5 })).toBeCloseTo(oneDegreeM, 3);
  });

  it("shrinks a degree of longitude with the cosine of latitude", () => {
    const d = distanceM({ lat: 60, lon: 10 }, { lat: 60, lon: 10.001 });
    expect(d).toBeCloseTo(oneDegreeM * 0.001 * Math.cos(Math.PI / 3), 2);
  });

  it("keeps metre precision for parked-car jitter", () => {
    // 2 m north of the Bourse.
    const north = { lat: bourse.lat + 2 / oneDegreeM, lon: bourse.lon };
    expect(distanceM(bourse, north)).toBeCloseTo(2, 6);
  });

  it("is symmetric and crosses the antimeridian the short way", () => {
    const a = { lat: 0, lon: 179.9995 };
    const b = { lat: 0, lon: -179.9995 };
    expect(distanceM(a, b)).toBeCloseTo(oneDegreeM * 0.001, 3);
    expect(distanceM(b, a)).toBe(distanceM(a, b));
  });

  it("gives half the circumference between antipodes", () => {
    expect(distanceM({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * earthRadiusM, 3);
  });
});

describe("initialBearingDeg", () => {
  it("gives the four cardinal directions", () => {
    expect(initialBearingDeg(bourse, { lat: bourse.lat + 0.01, lon: bourse.lon })).toBeCloseTo(0, 9);
    expect(initialBearingDeg({ lat: 0, lon: 0 }, { lat: 0, lon: 0.01 })).toBeCloseTo(90, 9);
    expect(initialBearingDeg(bourse, { lat: bourse.lat - 0.01, lon: bourse.lon })).toBeCloseTo(180, 9);
    expect(initialBearingDeg({ lat: 0, lon: 0 }, { lat: 0, lon: -0.01 })).toBeCloseTo(270, 9);
  });

  it("stays in [0, 360), with 0 for coinciding points", () => {
    expect(initialBearingDeg(bourse, bourse)).toBe(0);
    const northWest = initialBearingDeg(bourse, { lat: bourse.lat + 0.001, lon: bourse.lon - 0.0001 });
    expect(northWest).toBeGreaterThan(350);
    expect(northWest).toBeLessThan(360);
  });

  it("gives the initial course of a great circle, not the rhumb line", () => {
    // Paris to New York leaves Paris heading north-west (~292°), not west-south-west.
    const bearing = initialBearingDeg({ lat: 48.8566, lon: 2.3522 }, { lat: 40.7128, lon: -74.006 });
    expect(bearing).toBeGreaterThan(290);
    expect(bearing).toBeLessThan(294);
  });
});

describe("angleDifferenceDeg", () => {
  it("takes the short way round north", () => {
    expect(angleDifferenceDeg(350, 10)).toBe(20);
    expect(angleDifferenceDeg(10, 350)).toBe(20);
  });

  it("is at most 180", () => {
    expect(angleDifferenceDeg(0, 180)).toBe(180);
    expect(angleDifferenceDeg(90, 271)).toBe(179);
  });

  it("accepts angles outside [0, 360)", () => {
    expect(angleDifferenceDeg(-10, 370)).toBe(20);
    expect(angleDifferenceDeg(720, 0)).toBe(0);
  });
});

describe("normalizeDeg", () => {
  it("brings any angle into [0, 360) and never returns -0", () => {
    expect(normalizeDeg(-90)).toBe(270);
    expect(normalizeDeg(360)).toBe(0);
    expect(Object.is(normalizeDeg(-0), 0)).toBe(true);
    expect(Object.is(normalizeDeg(-360), 0)).toBe(true);
  });
});

describe("interpolate and positionAt", () => {
  const a = { lat: 44.8, lon: -0.6, t: 1_000 };
  const b = { lat: 44.9, lon: -0.5, t: 11_000 };

  it("puts the car a fraction of the way along the line", () => {
    const mid = interpolate(a, b, 0.5);
    expect(mid.lat).toBeCloseTo(44.85, 12);
    expect(mid.lon).toBeCloseTo(-0.55, 12);
  });

  it("interpolates longitude across the antimeridian the short way", () => {
    const mid = interpolate({ lat: 0, lon: 179.9 }, { lat: 0, lon: -179.9 }, 0.5);
    expect(Math.abs(mid.lon)).toBeCloseTo(180, 9);
    const quarter = interpolate({ lat: 0, lon: 179.9 }, { lat: 0, lon: -179.9 }, 0.75);
    expect(quarter.lon).toBeCloseTo(-179.95, 9);
  });

  it("walks at constant speed in time, clamped to the segment", () => {
    expect(positionAt(a, b, 6_000).lat).toBeCloseTo(44.85, 12);
    expect(positionAt(a, b, 0)).toEqual({ lat: a.lat, lon: a.lon });
    expect(positionAt(a, b, 99_000)).toEqual({ lat: b.lat, lon: b.lon });
  });

  it("gives the start when both ends have the same time", () => {
    expect(positionAt(a, { ...b, t: a.t }, a.t)).toEqual({ lat: a.lat, lon: a.lon });
  });
});
