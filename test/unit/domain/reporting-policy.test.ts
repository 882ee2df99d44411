/**
 * The live reporting policy on synthetic drives with fake GNSS times: each rule, its threshold, the
 * status change, the stationary heartbeat and a parked receiver's jitter. Thresholds are the defaults
 * (patrol 30 s / 200 m / 30° / 10 m; mission 10 s / 100 m / 20° / 8 m; stationary after 30 s under
 * 1 m/s, heartbeat 300 s, 50 m).
 */
import { describe, expect, it } from "vitest";
import { distanceM, earthRadiusM, positionAt } from "../../../src/domain/geo.ts";
import type { Fix } from "../../../src/domain/gnss/fix.ts";
import {
  decideReport,
  defaultReportingPolicy,
  initialReportingState,
  type MovingProfile,
  maxDeviationM,
  maxSinceReport,
  noteStatusChange,
  type ReportDecision,
  type ReportingPolicyConfig,
  type ReportingState,
} from "../../../src/domain/reporting-policy.ts";

const t0 = Date.UTC(2026, 10, 23, 21, 0, 0);
const start = { lat: 44.84149, lon: -0.5702 };
const mPerDegLat = (2 * Math.PI * earthRadiusM) / 360;

/** The point `north`/`east` metres from the start. */
function offset(north: number, east: number): { lat: number; lon: number } {
  return {
    lat: start.lat + north / mPerDegLat,
    lon: start.lon + east / (mPerDegLat * Math.cos((start.lat * Math.PI) / 180)),
  };
}

function fixAt(seconds: number, north: number, east: number, extra: Partial<Fix> = {}): Fix {
  return {
    fixTime: new Date(t0 + seconds * 1000).toISOString(),
    ...offset(north, east),
    fix: "3d",
    ...extra,
  };
}

interface Step {
  fix: Fix;
  decision: ReportDecision;
}

/** Feeds the fixes in order and returns every decision. */
function run(
  fixes: readonly Fix[],
  profile: MovingProfile = "patrol",
  config: ReportingPolicyConfig = defaultReportingPolicy,
  state: ReportingState = initialReportingState,
): { steps: Step[]; state: ReportingState } {
  const steps: Step[] = [];
  let current = state;
  for (const fix of fixes) {
    const decision = decideReport(current, { fix, profile }, config);
    steps.push({ fix, decision });
    current = decision.next;
  }
  return { steps, state: current };
}

const reported = (steps: readonly Step[]) => steps.filter((s) => s.decision.report);
const reasons = (steps: readonly Step[]) => reported(steps).map((s) => s.decision.reason);
const times = (steps: readonly Step[]) => reported(steps).map((s) => (Date.parse(s.fix.fixTime) - t0) / 1000);

/** Straight east at `speed` m/s, one fix per second from `from` to `to` seconds. */
function eastbound(from: number, to: number, speed: number, east0 = 0): Fix[] {
  const fixes: Fix[] = [];
  for (let s = from; s <= to; s++)
    fixes.push(fixAt(s, 0, east0 + (s - from) * speed, { speed, heading: 90 }));
  return fixes;
}

/** Parked at the start, wandering within `jitterM` of it (seeded), speed from the receiver's Doppler. */
function parked(
  from: number,
  to: number,
  jitterM: number,
  speedAt: (s: number) => number = () => 0.1,
): Fix[] {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const fixes: Fix[] = [];
  for (let s = from; s <= to; s++) {
    const radius = Math.sqrt(random()) * jitterM;
    const angle = random() * 2 * Math.PI;
    const north = radius * Math.cos(angle);
    const east = radius * Math.sin(angle);
    fixes.push(fixAt(s, north, east, { speed: speedAt(s), heading: Math.floor(random() * 360) }));
  }
  return fixes;
}

/**
 * Dispatch's rebuilt track: the worst distance from a fix to the line between the two reports around
 * it. Fixes after the last report are not rebuilt yet (that is the live feed's staleness).
 */
function worstRebuildErrorM(steps: readonly Step[]): number {
  const points = steps.map((s) => ({ lat: s.fix.lat, lon: s.fix.lon, t: Date.parse(s.fix.fixTime) }));
  const reports = points.filter((_, i) => steps[i]?.decision.report);
  let worst = 0;
  for (const p of points) {
    const after = reports.findIndex((r) => r.t >= p.t);
    const from = reports[Math.max(0, after - 1)];
    const to = reports[after];
    if (from && to) worst = Math.max(worst, distanceM(p, positionAt(from, to, p.t)));
  }
  return worst;
}

describe("first report", () => {
  it("reports the very first fix", () => {
    const { steps } = run([fixAt(0, 0, 0, { speed: 0 })]);
    expect(steps[0]?.decision).toMatchObject({ report: true, reason: "first" });
  });
});

describe("moving rules (patrol)", () => {
  it("reports every 200 m on a straight road at constant speed, and nothing else", () => {
    // 10.5 m/s: 210 m after 20 s, 199.5 m after 19 s.
    const { steps } = run(eastbound(0, 100, 10.5));
    expect(reasons(steps)).toEqual(["first", "distance", "distance", "distance", "distance", "distance"]);
    expect(times(steps)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it("reports after 30 s of silence when crawling (2 m/s covers 60 m)", () => {
    const { steps } = run(eastbound(0, 65, 2));
    expect(reasons(steps)).toEqual(["first", "interval", "interval"]);
    expect(times(steps)).toEqual([0, 30, 60]);
  });

  it("reports a turn of 30° at the first fix on the new heading, but not one of 25°", () => {
    const turn = (degrees: number) => {
      const fixes = eastbound(0, 5, 10);
      const bearing = ((90 - degrees) * Math.PI) / 180;
      for (let s = 1; s <= 3; s++) {
        const north = s * 10 * Math.cos(bearing);
        const east = 50 + s * 10 * Math.sin(bearing);
        fixes.push(fixAt(5 + s, north, east, { speed: 10, heading: 90 - degrees }));
      }
      return run(fixes).steps;
    };
    expect(reasons(turn(30))).toEqual(["first", "angle"]);
    expect(times(turn(30))).toEqual([0, 6]);
    expect(reasons(turn(25))).toEqual(["first"]);
  });

  it("ignores heading changes below 3 m/s, where GNSS course is noise", () => {
    const fixes: Fix[] = [];
    for (let s = 0; s <= 25; s++)
      fixes.push(fixAt(s, 0, s * 2, { speed: 2, heading: s % 2 === 0 ? 0 : 180 }));
    expect(reasons(run(fixes).steps)).toEqual(["first"]);
  });

  it("reports a right-angle corner by deviation when the receiver gives no heading", () => {
    const fixes: Fix[] = [];
    for (let s = 0; s <= 10; s++) fixes.push(fixAt(s, 0, s * 8, { speed: 8 }));
    for (let s = 1; s <= 10; s++) fixes.push(fixAt(10 + s, s * 8, 80, { speed: 8 }));
    const { steps } = run(fixes);
    expect(reasons(steps)).toEqual(["first", "deviation"]);
    // 1 s after the corner, the line from the start puts the corner fix 10.3 m inside the bend.
    expect(times(steps)).toEqual([0, 11]);
    expect(worstRebuildErrorM(steps)).toBeLessThan(25);
  });

  it("catches a stop at a red light, so the rebuilt track does not slide through it", () => {
    const fixes = [
      ...eastbound(0, 9, 10),
      ...Array.from({ length: 25 }, (_, i) => fixAt(10 + i, 0, 100, { speed: 0, heading: 90 })),
      ...eastbound(35, 60, 10, 100),
    ];
    const { steps } = run(fixes);
    expect(reasons(steps)).toContain("deviation");
    expect(worstRebuildErrorM(steps)).toBeLessThan(25);
  });

  it("shows a stop that began just after a report, once the car drives off", () => {
    // A status change makes the car report at 9 s, 2 m before it stops; it waits 16 s and leaves.
    const approach = eastbound(0, 8, 10);
    const stop = [fixAt(9, 0, 88, { speed: 4, heading: 90 })];
    for (let s = 10; s <= 25; s++) stop.push(fixAt(s, 0, 90, { speed: 0, heading: 90 }));
    const first = run(approach);
    const reportedAt9 = run(stop, "patrol", defaultReportingPolicy, noteStatusChange(first.state));
    const off = run(eastbound(26, 40, 10, 90), "patrol", defaultReportingPolicy, reportedAt9.state);
    const steps = [...first.steps, ...reportedAt9.steps, ...off.steps];
    expect(reasons(off.steps)[0]).toBe("deviation");
    expect(times(off.steps)[0]).toBeLessThanOrEqual(28);
    expect(worstRebuildErrorM(steps)).toBeLessThan(20);
  });

  it("keeps the rebuilt track within 25 m on a zigzag through town", () => {
    const fixes: Fix[] = [];
    let north = 0;
    let east = 0;
    for (let s = 0; s < 600; s++) {
      const leg = Math.floor(s / 15) % 4; // east, north, east, south: one block every 15 s
      const heading = [90, 0, 90, 180][leg] as number;
      if (heading === 90) east += 9;
      else north += heading === 0 ? 9 : -9;
      fixes.push(fixAt(s, north, east, { speed: 9, heading }));
    }
    const { steps } = run(fixes);
    expect(worstRebuildErrorM(steps)).toBeLessThan(25);
    expect(reported(steps).length / fixes.length).toBeLessThan(0.15);
  });
});

describe("mission profile", () => {
  it("reports more often than patrol on the same road: every 100 m, or 10 s", () => {
    const road = eastbound(0, 40, 12);
    expect(times(run(road, "patrol").steps)).toEqual([0, 17, 34]);
    expect(times(run(road, "mission").steps)).toEqual([0, 9, 18, 27, 36]);
    expect(reasons(run(road, "mission").steps).slice(1)).toEqual([
      "distance",
      "distance",
      "distance",
      "distance",
    ]);
    expect(reasons(run(eastbound(0, 25, 2), "mission").steps)).toEqual(["first", "interval", "interval"]);
  });
});

describe("status change", () => {
  it("forces a report at the next fix, even 1 s after the previous one, and only once", () => {
    const first = run(eastbound(0, 0, 10));
    const pending = noteStatusChange(first.state);
    const { steps } = run(eastbound(1, 3, 10, 10), "patrol", defaultReportingPolicy, pending);
    expect(steps.map((s) => s.decision.reason)).toEqual(["status_change", null, null]);
  });

  it("reports while parked too, without waiting for the heartbeat", () => {
    const settled = run(parked(0, 120, 3));
    const { steps } = run(
      parked(121, 125, 3),
      "patrol",
      defaultReportingPolicy,
      noteStatusChange(settled.state),
    );
    expect(steps[0]?.decision).toMatchObject({ report: true, reason: "status_change", mode: "stationary" });
  });

  it("waits for a fix: no fix, no report", () => {
    const pending = noteStatusChange(initialReportingState);
    expect(pending.statusChangePending).toBe(true);
    expect(pending.lastReport).toBeNull();
  });
});

describe("stationary", () => {
  it("becomes stationary after 30 s under 1 m/s and then sends a heartbeat every 5 min", () => {
    const { steps } = run(parked(0, 1200, 1));
    expect(reasons(steps)).toEqual(["first", "heartbeat", "heartbeat", "heartbeat", "heartbeat"]);
    expect(times(steps)).toEqual([0, 300, 600, 900, 1200]);
    expect(steps[29]?.decision.mode).toBe("moving");
    expect(steps[30]?.decision.mode).toBe("stationary");
  });

  it("does not report the jitter of a parked receiver: 20 m wander and speed spikes", () => {
    // Two fixes of a 20 m wander can be 40 m apart: under the 50 m that a parked car must move.
    const spikes = (s: number) => (s % 47 === 23 ? 1.8 : 0.3);
    const { steps } = run(parked(0, 1200, 20, spikes));
    expect(reasons(steps)).toEqual(["first", "heartbeat", "heartbeat", "heartbeat", "heartbeat"]);
  });

  it("reports a parked car that has moved 50 m (towed, or a long drift)", () => {
    const settled = run(parked(0, 100, 1));
    const { steps } = run(
      [fixAt(101, 30, 0, { speed: 0 }), fixAt(102, 55, 0, { speed: 0 })],
      "patrol",
      defaultReportingPolicy,
      settled.state,
    );
    expect(steps.map((s) => s.decision.reason)).toEqual([null, "distance"]);
  });

  it("wakes up after 2 s of speed and reports the drive-off at once", () => {
    const settled = run(parked(0, 200, 1));
    const { steps } = run(eastbound(201, 215, 8), "patrol", defaultReportingPolicy, settled.state);
    expect(steps.map((s) => s.decision.mode).slice(0, 3)).toEqual(["stationary", "stationary", "moving"]);
    expect(reported(steps)[0]?.decision.reason).toBe("interval");
    expect(times(steps)[0]).toBe(203);
  });

  it("does not park a car that drives off just as the 30 s run out", () => {
    const light = Array.from({ length: 30 }, (_, s) => fixAt(s, 0, 0, { speed: 0, heading: 90 }));
    const { steps } = run([...light, ...eastbound(30, 35, 6)]);
    expect(steps.map((s) => s.decision.mode)).not.toContain("stationary");
  });

  it("derives the speed from successive fixes when the receiver gives none", () => {
    const fixes = parked(0, 400, 0.3).map(({ speed: _speed, heading: _heading, ...fix }) => fix);
    const { steps } = run(fixes);
    // The first fix has no speed to derive, so the stationary clock starts at the second one: the
    // 30 s interval comes first, then the car is stationary until the heartbeat.
    expect(reasons(steps)).toEqual(["first", "interval", "heartbeat"]);
    expect(times(steps)).toEqual([0, 30, 330]);
    expect(steps[31]?.decision.mode).toBe("stationary");
  });
});

describe("robustness", () => {
  it("ignores a fix whose GNSS time is not after the previous one", () => {
    const first = run(eastbound(0, 1, 10));
    const again = decideReport(first.state, { fix: fixAt(1, 0, 500, { speed: 10 }), profile: "patrol" });
    expect(again).toMatchObject({ report: false, reason: null });
    expect(again.next).toBe(first.state);
    const older = decideReport(first.state, { fix: fixAt(0.5, 0, 500, { speed: 10 }), profile: "patrol" });
    expect(older.next).toBe(first.state);
  });

  it("never reports twice within the fastest interval (1 s) at 10 Hz", () => {
    const fixes: Fix[] = [];
    for (let i = 0; i < 300; i++) {
      const s = i / 10;
      fixes.push(fixAt(s, (i % 2) * 40, s * 10, { speed: 10, heading: i % 2 === 0 ? 90 : 10 }));
    }
    const at = times(run(fixes).steps);
    for (let i = 1; i < at.length; i++)
      expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(1);
  });

  it("keeps the fixes since the last report bounded", () => {
    const lax: ReportingPolicyConfig = {
      ...defaultReportingPolicy,
      patrol: { intervalS: 3600, distanceM: 100_000, angleDeg: 180, deviationM: 1000 },
    };
    const fixes: Fix[] = [];
    for (let i = 0; i < 3000; i++) fixes.push(fixAt(i / 10, 0, i, { speed: 10, heading: 90 }));
    const { state } = run(fixes, "patrol", lax);
    expect(state.sinceReport.length).toBeLessThanOrEqual(maxSinceReport);
    expect(state.sinceReport.length).toBeGreaterThan(maxSinceReport / 2);
  });

  it("never mutates the state it is given", () => {
    const state = run(eastbound(0, 5, 10)).state;
    const copy = structuredClone(state);
    decideReport(state, { fix: fixAt(6, 0, 60, { speed: 10 }), profile: "patrol" });
    expect(state).toEqual(copy);
  });
});

describe("maxDeviationM", () => {
  it("measures the miss against constant-speed progress, not just the path", () => {
    const from = { ...offset(0, 0), t: 0 };
    const to = { ...offset(0, 100), t: 10_000 };
    // On the path, but at 9 s still at the start: the line puts the car at 90 m by then.
    expect(maxDeviationM(from, to, [{ ...offset(0, 0), t: 9_000 }])).toBeCloseTo(90, 3);
    expect(maxDeviationM(from, to, [{ ...offset(0, 50), t: 5_000 }])).toBeCloseTo(0, 6);
    expect(maxDeviationM(from, to, [])).toBe(0);
  });
});
