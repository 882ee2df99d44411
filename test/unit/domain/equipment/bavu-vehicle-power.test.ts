import { describe, expect, it } from "vitest";
import { assessBavu } from "../../../../src/domain/equipment/bavu-readiness.ts";
import { assessVehiclePower } from "../../../../src/domain/equipment/vehicle-power.ts";

describe("BAVU readiness", () => {
  it("is faulty when the bag is absent from its bracket", () => {
    expect(assessBavu({ at: 0, present: false })).toEqual([
      { state: "fault", reason: { code: "bavu_absent" } },
    ]);
  });

  it("is ok when the bag is in its bracket", () => {
    expect(assessBavu({ at: 0, present: true })).toEqual([]);
  });
});

describe("vehicle power", () => {
  const rule = { warnMv: 11_800, faultMv: 11_400 };
  const veh = (supplyMv: number, ignition = false) => assessVehiclePower(rule, { at: 0, ignition, supplyMv });

  it("is ok at exactly 11.8 V with the ignition off", () => {
    expect(veh(11_800)).toEqual([]);
  });

  it("warns under 11.8 V with the ignition off", () => {
    expect(veh(11_799)).toEqual([{ state: "warning", reason: { code: "supply_low", supplyMv: 11_799 } }]);
  });

  it("only warns at exactly 11.4 V, and is faulty under it", () => {
    expect(veh(11_400).map((f) => f.state)).toEqual(["warning"]);
    expect(veh(11_399).map((f) => f.state)).toEqual(["fault"]);
  });

  it("ignores the voltage with the ignition on (the alternator's, not the battery's)", () => {
    expect(veh(11_000, true)).toEqual([]);
  });
});
