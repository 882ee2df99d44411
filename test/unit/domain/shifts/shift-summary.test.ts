import { describe, expect, it } from "vitest";
import { distanceM, earthRadiusM } from "../../../../src/domain/geo.ts";
import { restockList, summarizeShift, timePerStatus } from "../../../../src/domain/shifts/shift-summary.ts";
import { trackDistanceM } from "../../../../src/domain/shifts/track-distance.ts";

const minute = 60_000;
const t0 = Date.parse("2026-11-23T19:00:00Z");

describe("distance from the stored track", () => {
  it("is within 1 % of a 5 km meridian drive sampled every ~15 m", () => {
    // Along a meridian, the great-circle length is R·Δφ exactly: 5 km is 0.04496° of latitude.
    const known = 5000;
    const dLat = (known / earthRadiusM) * (180 / Math.PI);
    const points = Array.from({ length: 334 }, (_, i) => ({ lat: 44.8 + (dLat * i) / 333, lon: -0.58 }));
    const measured = trackDistanceM(points);
    expect(Math.abs(measured - known) / known).toBeLessThan(0.01);
  });

  it("is within 1 % around a city block with fixes every 8 m (slow traffic), corners included", () => {
    // A 600 m × 400 m rectangle in Bordeaux: 2 km, its sides measured with the same geodesy.
    const sw = { lat: 44.835, lon: -0.58 };
    const ne = {
      lat: sw.lat + 400 / 111_195,
      lon: sw.lon + 600 / (111_195 * Math.cos((sw.lat * Math.PI) / 180)),
    };
    const corners = [sw, { lat: sw.lat, lon: ne.lon }, ne, { lat: ne.lat, lon: sw.lon }, sw];
    const points = [];
    let known = 0;
    for (let c = 0; c < 4; c++) {
      const a = corners[c] ?? sw;
      const b = corners[c + 1] ?? sw;
      known += distanceM(a, b);
      const steps = Math.round(distanceM(a, b) / 8);
      for (let i = 0; i < steps; i++)
        points.push({
          lat: a.lat + ((b.lat - a.lat) * i) / steps,
          lon: a.lon + ((b.lon - a.lon) * i) / steps,
        });
    }
    points.push(sw);
    expect(Math.abs(trackDistanceM(points) - known) / known).toBeLessThan(0.01);
  });

  it("adds nothing for a parked car whose fixes wander by a few metres", () => {
    // Deterministic jitter of ±4 m around one spot, 3600 fixes (an hour at 1 Hz).
    const centre = { lat: 44.84, lon: -0.575 };
    const jitter = (i: number) => (Math.sin(i * 12.9898) * 43_758.5453) % 1;
    const points = Array.from({ length: 3600 }, (_, i) => ({
      lat: centre.lat + (jitter(i) * 4) / 111_195,
      lon: centre.lon + (jitter(i + 7) * 4) / 78_900,
    }));
    expect(trackDistanceM(points)).toBeLessThan(50);
  });
});

describe("time per status", () => {
  it("splits the shift between statuses, counting the one current at sign-in from the start", () => {
    const times = timePerStatus(
      [
        { key: "en_route", at: t0 + 30 * minute },
        { key: "call_request", at: t0 + 35 * minute },
        { key: "on_scene", at: t0 + 50 * minute },
        { key: "visit_done", at: t0 + 90 * minute },
        { key: "available", at: t0 + 100 * minute },
      ],
      t0,
      t0 + 180 * minute,
      "available",
    );
    expect(Object.fromEntries(times.map((t) => [t.key, t.ms / minute]))).toEqual({
      available: 30 + 80,
      en_route: 20,
      on_scene: 40,
      visit_done: 10,
    });
    expect(times.reduce((sum, t) => sum + t.ms, 0)).toBe(180 * minute);
  });

  it("counts nothing before the first status when none was current at sign-in", () => {
    const times = timePerStatus([{ key: "available", at: t0 + 10 * minute }], t0, t0 + 60 * minute, null);
    expect(times).toEqual([{ key: "available", ms: 50 * minute }]);
  });
});

describe("restock list and summary", () => {
  it("adds up consumables by item, whatever the spacing or case the doctor typed", () => {
    expect(
      restockList([
        { item: "Compresses", qty: 2 },
        { item: " compresses ", qty: 3 },
        { item: "Paracétamol 1 g", qty: 0.1 },
        { item: "Paracétamol  1 g", qty: 0.2 },
      ]),
    ).toEqual([
      { item: "Compresses", qty: 5 },
      { item: "Paracétamol 1 g", qty: 0.3 },
    ]);
  });

  it("summarises missions with their first times, alarms and the restock list", () => {
    const summary = summarizeShift({
      startedAt: t0,
      endedAt: t0 + 240 * minute,
      distanceM: 12_345.6,
      initialStatus: "available",
      statusChanges: [],
      missions: [
        {
          missionId: "M-1",
          priority: "P1",
          state: "closed",
          outcome: "treated_at_home",
          consumables: [{ item: "Gants", qty: 2 }],
          timeline: [
            { state: "received", at: t0 + minute },
            { state: "on_scene", at: t0 + 20 * minute },
            { state: "visit_done", at: t0 + 50 * minute },
          ],
        },
      ],
      alarms: [
        { alarmId: "A-1", kind: "panic", raisedAt: t0 + 5, acknowledgedAt: null, cancelledAt: t0 + 9 },
      ],
    });
    expect(summary.distanceM).toBe(12_346);
    expect(summary.missions[0]).toMatchObject({
      missionId: "M-1",
      times: { receivedAt: t0 + minute, onSceneAt: t0 + 20 * minute, visitMinutes: 30 },
    });
    expect(summary.restock).toEqual([{ item: "Gants", qty: 2 }]);
    expect(summary.statusTimes).toEqual([{ key: "available", ms: 240 * minute }]);
    expect(summary.alarms).toHaveLength(1);
  });
});
