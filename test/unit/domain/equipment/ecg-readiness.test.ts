import { describe, expect, it } from "vitest";
import { assessEcg, type EcgReading, type EcgRule } from "../../../../src/domain/equipment/ecg-readiness.ts";

/** Issue 5's figures: under 20 % (not charging) warns, under 10 % is a fault. */
const rule: EcgRule = { battery: { warnPct: 20, faultPct: 10 }, warnWhenUndocked: true };
const good: EcgReading = { at: 0, batteryPct: 80, selftest: "P", charging: false, docked: true };
const parked = { driving: false };
const states = (reading: Partial<EcgReading>, context = parked, r = rule) =>
  assessEcg(r, { ...good, ...reading }, context).map((f) => [f.state, f.reason.code]);

describe("ECG readiness", () => {
  it("is ok with a passed self-test, a charged battery, in its dock", () => {
    expect(states({})).toEqual([]);
  });

  it("is faulty after a failed self-test", () => {
    expect(states({ selftest: "F" })).toEqual([["fault", "ecg_selftest_failed"]]);
  });

  it("warns when the self-test result is unknown", () => {
    expect(states({ selftest: "U" })).toEqual([["warning", "ecg_selftest_unknown"]]);
  });

  it("is ok at exactly 20 % and warns at 19 % when not charging", () => {
    expect(states({ batteryPct: 20 })).toEqual([]);
    expect(assessEcg(rule, { ...good, batteryPct: 19 }, parked)).toEqual([
      { state: "warning", reason: { code: "ecg_battery_low", pct: 19, charging: false } },
    ]);
  });

  it("does not warn under 20 % while charging", () => {
    expect(states({ batteryPct: 15, charging: true })).toEqual([]);
  });

  it("only warns at exactly 10 %, and is faulty at 9 % even while charging", () => {
    expect(states({ batteryPct: 10 })).toEqual([["warning", "ecg_battery_low"]]);
    expect(states({ batteryPct: 9, charging: true })).toEqual([["fault", "ecg_battery_low"]]);
  });

  it("warns when out of its dock while driving, not when parked", () => {
    expect(states({ docked: false }, { driving: true })).toEqual([["warning", "ecg_undocked_driving"]]);
    expect(states({ docked: false }, parked)).toEqual([]);
  });

  it("does not warn undocked when the profile turns the rule off", () => {
    expect(states({ docked: false }, { driving: true }, { ...rule, warnWhenUndocked: false })).toEqual([]);
  });

  it("reports every problem at once", () => {
    expect(states({ selftest: "F", batteryPct: 5, docked: false }, { driving: true })).toEqual([
      ["fault", "ecg_selftest_failed"],
      ["fault", "ecg_battery_low"],
      ["warning", "ecg_undocked_driving"],
    ]);
  });
});
