import { describe, expect, it } from "vitest";
import {
  assessChecks,
  type Checklists,
  lastCheckTimes,
  latestOfChecks,
} from "../../../../src/domain/equipment/technician-checks.ts";

const hour = 3_600_000;
const day = 24 * hour;
const now = 1_800_000_000_000;
const label = (name: string) => ({ fr: name, en: name });
const checks: Checklists = {
  shiftStart: { items: [{ id: "bavu-present", label: label("present"), equipmentId: "bavu" }] },
  weekly: {
    items: [
      { id: "bavu-function", label: label("function"), equipmentId: "bavu" },
      { id: "cab-clean", label: label("cab clean") },
    ],
  },
  monthly: { items: [{ id: "o2-date", label: label("retest date"), equipmentId: "o2" }] },
};
const pass = (ageMs: number) => ({ at: now - ageMs, result: "pass" as const });
const codes = (lastChecks: Parameters<typeof assessChecks>[1]) =>
  Object.fromEntries(
    [...assessChecks(checks, lastChecks, now)].map(([id, fs]) => [
      id,
      fs.map((f) => `${f.state}:${f.reason.code}`),
    ]),
  );

describe("technician checks", () => {
  it("is silent when every check is within its period (exactly 24 h, 7 d, 31 d included)", () => {
    expect(
      codes({ "bavu-present": pass(day), "bavu-function": pass(7 * day), "o2-date": pass(31 * day) }),
    ).toEqual({});
  });

  it("warns when a check is older than its schedule", () => {
    expect(
      codes({
        "bavu-present": pass(day + 1),
        "bavu-function": pass(7 * day + 1),
        "o2-date": pass(31 * day + 1),
      }),
    ).toEqual({
      bavu: ["warning:check_overdue", "warning:check_overdue"],
      o2: ["warning:check_overdue"],
    });
  });

  it("warns for a check never done, with no age", () => {
    const findings = assessChecks(checks, { "bavu-present": pass(0), "bavu-function": pass(0) }, now);
    expect(findings.get("o2")).toEqual([
      { state: "warning", reason: { code: "check_overdue", check: label("retest date"), ageMs: null } },
    ]);
  });

  it("is faulty when the latest check failed", () => {
    expect(
      codes({
        "bavu-present": { at: now - hour, result: "fail" },
        "bavu-function": pass(0),
        "o2-date": pass(0),
      }),
    ).toEqual({ bavu: ["fault:check_failed"] });
  });

  it("takes the periods as a parameter", () => {
    const strict = { shiftStart: 12 * hour, weekly: 7 * day, monthly: 31 * day };
    const lastChecks = { "bavu-present": pass(13 * hour), "bavu-function": pass(0), "o2-date": pass(0) };
    expect(assessChecks(checks, lastChecks, now, strict).get("bavu")?.length).toBe(1);
  });

  it("gives each item the time of its latest check", () => {
    const times = lastCheckTimes(checks, { "bavu-present": pass(hour), "bavu-function": pass(3 * day) });
    expect(Object.fromEntries(times)).toEqual({ bavu: now - hour });
  });
});

describe("the newest check across the technicians' runs and the doctors' shift-start answers", () => {
  it("takes the later record of each check, and a failure on a tie", () => {
    const technicians = {
      "o2-pressure": { at: 100, result: "pass" as const },
      "ecg-pads": { at: 300, result: "pass" as const },
    };
    const doctors = {
      "o2-pressure": { at: 200, result: "fail" as const },
      "ecg-pads": { at: 300, result: "fail" as const },
      "bavu-present": { at: 50, result: "pass" as const },
    };
    expect(latestOfChecks(technicians, doctors)).toEqual({
      "o2-pressure": { at: 200, result: "fail" },
      "ecg-pads": { at: 300, result: "fail" },
      "bavu-present": { at: 50, result: "pass" },
    });
    expect(latestOfChecks(doctors, technicians)["ecg-pads"]).toEqual({ at: 300, result: "fail" });
    expect(latestOfChecks()).toEqual({});
  });
});
