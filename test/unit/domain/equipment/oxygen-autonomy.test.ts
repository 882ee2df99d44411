import { describe, expect, it } from "vitest";
import {
  assessOxygen,
  detectCylinderChange,
  type OxygenRule,
  oxygenAutonomy,
} from "../../../../src/domain/equipment/oxygen-autonomy.ts";

/** bdx-07's B5: 5 L water volume, 200 bar full, 20 bar reserve, warn < 30 min, fault < 15 min. */
const b5: OxygenRule = {
  cylinder: { waterVolumeL: 5, reserveBar: 20 },
  referenceFlowLpm: 15,
  warnMinutes: 30,
  faultMinutes: 15,
};
const at = 1_800_000_000_000;
const o2 = (pressureBar: number, flowLpm = 0) => ({ at, pressureBar, flowLpm });

describe("oxygen autonomy, worked examples", () => {
  it("gives 43 min for a B5 at 150 bar with a 20 bar reserve at 15 L/min (650 L / 15 = 43.3)", () => {
    const autonomy = oxygenAutonomy(b5, o2(150, 15));
    expect(autonomy.usableL).toBe(650);
    expect(autonomy.minutes).toBe(43);
    expect(assessOxygen(b5, o2(150, 15))).toEqual([]);
  });

  it("uses the 15 L/min reference flow when the valve is closed (same 43 min)", () => {
    expect(oxygenAutonomy(b5, o2(150, 0))).toMatchObject({ minutes: 43, flowLpm: 15, valveClosed: true });
  });

  it("gives 60 min for a full B5 (200 bar: 900 L usable) at 15 L/min", () => {
    expect(oxygenAutonomy(b5, o2(200)).minutes).toBe(60);
  });

  it("uses the current flow when open: B5 at 150 bar at 6 L/min lasts 108 min (650 / 6 = 108.3)", () => {
    expect(oxygenAutonomy(b5, o2(150, 6))).toMatchObject({ minutes: 108, flowLpm: 6, valveClosed: false });
  });

  it("gives 300 min for a B15 (15 L) at 200 bar at 9 L/min (2 700 L / 9)", () => {
    const b15 = { ...b5, cylinder: { waterVolumeL: 15, reserveBar: 20 } };
    expect(oxygenAutonomy(b15, o2(200, 9)).minutes).toBe(300);
  });

  it("rounds down: 445 L at 15 L/min is 29 min, not 30", () => {
    expect(oxygenAutonomy(b5, o2(109)).minutes).toBe(29);
  });

  it("counts nothing below the reserve", () => {
    expect(oxygenAutonomy(b5, o2(12)).usableL).toBe(0);
  });
});

describe("oxygen thresholds", () => {
  it("is ok at exactly 30 min (110 bar: 450 L / 15)", () => {
    expect(assessOxygen(b5, o2(110))).toEqual([]);
  });

  it("warns under 30 min (109 bar: 29 min)", () => {
    expect(assessOxygen(b5, o2(109))).toEqual([
      { state: "warning", reason: { code: "oxygen_autonomy", minutes: 29, flowLpm: 15, reserveBar: 20 } },
    ]);
  });

  it("only warns at exactly 15 min (65 bar: 225 L / 15)", () => {
    expect(assessOxygen(b5, o2(65)).map((f) => f.state)).toEqual(["warning"]);
  });

  it("is faulty under 15 min (56 bar: 12 min)", () => {
    expect(assessOxygen(b5, o2(56))).toEqual([
      { state: "fault", reason: { code: "oxygen_autonomy", minutes: 12, flowLpm: 15, reserveBar: 20 } },
    ]);
  });

  it("judges at the current flow: 150 bar at 25 L/min is 26 min, a warning", () => {
    expect(assessOxygen(b5, o2(150, 25))).toEqual([
      { state: "warning", reason: { code: "oxygen_autonomy", minutes: 26, flowLpm: 25, reserveBar: 20 } },
    ]);
  });

  it("is faulty at or below the reserve, saying so", () => {
    expect(assessOxygen(b5, o2(20))).toEqual([
      { state: "fault", reason: { code: "oxygen_below_reserve", pressureBar: 20, reserveBar: 20 } },
    ]);
  });

  it("takes its thresholds from the rule (configurable)", () => {
    expect(assessOxygen({ ...b5, warnMinutes: 45 }, o2(150))[0]?.state).toBe("warning");
    expect(assessOxygen({ ...b5, faultMinutes: 50, warnMinutes: 60 }, o2(150))[0]?.state).toBe("fault");
  });
});

describe("cylinder change", () => {
  const reading = (t: number, pressureBar: number, flowLpm = 0) => ({ at: t, pressureBar, flowLpm });

  it("reports a swap when the pressure of a closed cylinder jumps (40 → 200 bar)", () => {
    expect(detectCylinderChange(reading(at, 40), reading(at + 60_000, 200))).toEqual({
      type: "oxygen.cylinder_changed",
      at: at + 60_000,
      fromBar: 40,
      toBar: 200,
    });
  });

  it("reports a swap through the regulator's 0 bar while it is off the cylinder", () => {
    expect(detectCylinderChange(reading(at, 0), reading(at + 1000, 198))?.type).toBe(
      "oxygen.cylinder_changed",
    );
  });

  it("ignores a closed cylinder warming up in the sun (150 → 165 bar)", () => {
    expect(detectCylinderChange(reading(at, 150), reading(at + 3_600_000, 165))).toBeNull();
  });

  it("counts exactly the margin (20 bar) as a swap, and takes the margin as a parameter", () => {
    expect(detectCylinderChange(reading(at, 100), reading(at + 1, 120))).not.toBeNull();
    expect(detectCylinderChange(reading(at, 100), reading(at + 1, 120), 30)).toBeNull();
  });

  it("ignores a rise while oxygen flows, and a first reading", () => {
    expect(detectCylinderChange(reading(at, 40, 15), reading(at + 1, 200, 15))).toBeNull();
    expect(detectCylinderChange(undefined, reading(at, 200))).toBeNull();
  });
});
