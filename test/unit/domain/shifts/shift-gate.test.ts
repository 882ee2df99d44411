import { describe, expect, it } from "vitest";
import type { ReadinessVerdict } from "../../../../src/domain/equipment/readiness-verdict.ts";
import {
  availabilityDecision,
  gatedVerdict,
  shiftStartAssessment,
} from "../../../../src/domain/shifts/shift-gate.ts";

const labels = (id: string) => ({ fr: id, en: id });
const faultyOxygen: ReadinessVerdict = {
  readiness: "not_ready",
  items: [
    {
      id: "o2-main",
      kind: "oxygen",
      state: "fault",
      findings: [
        {
          state: "fault",
          reason: { code: "oxygen_below_reserve", pressureBar: 15, reserveBar: 20 },
          text: { fr: "Oxygène : sous la réserve", en: "Oxygen: below the reserve" },
        },
      ],
    },
  ],
};
const pending = shiftStartAssessment({ state: "pending", items: [] }, labels);

describe("availability gate with the shift-start checklist", () => {
  it("blocks on a pending checklist under shifts.policy block, and only warns under warn", () => {
    const blocked = availabilityDecision(
      gatedVerdict(null, pending, { equipment: "warn", shiftStart: "block" }),
    );
    expect(blocked.allowed).toBe(false);
    expect(blocked.blockingReasons.map((r) => r.text.en)).toEqual([
      "Shift start: check “shift-start checklist” never done",
    ]);
    const warned = availabilityDecision(
      gatedVerdict(null, pending, { equipment: "block", shiftStart: "warn" }),
    );
    expect(warned).toMatchObject({ allowed: true, blockingReasons: [] });
    expect(warned.warnings).toHaveLength(1);
  });

  it("applies each policy to its own source", () => {
    const equipmentOnly = gatedVerdict(faultyOxygen, null, { equipment: "warn", shiftStart: "block" });
    expect(availabilityDecision(equipmentOnly).allowed).toBe(true);
    expect(equipmentOnly?.readiness).toBe("not_ready");
    const blocked = gatedVerdict(faultyOxygen, null, { equipment: "block", shiftStart: "warn" });
    expect(availabilityDecision(blocked).allowed).toBe(false);
  });

  it("turns failed checklist items into reasons, and says nothing when it passed or is not needed", () => {
    const failed = shiftStartAssessment(
      { state: "done", run: { at: 0, by: "Dr X", failed: ["bavu-present"] } },
      labels,
    );
    expect(failed?.findings.map((f) => f.reason.code)).toEqual(["check_failed"]);
    expect(
      shiftStartAssessment({ state: "done", run: { at: 0, by: "Dr X", failed: [] } }, labels),
    ).toBeNull();
    expect(shiftStartAssessment({ state: "not_required" }, labels)).toBeNull();
    expect(gatedVerdict(null, null, { equipment: "block", shiftStart: "block" })).toBeNull();
  });
});
