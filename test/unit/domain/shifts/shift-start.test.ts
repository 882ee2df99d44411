import { describe, expect, it } from "vitest";
import { checklistToShow, shiftStartState } from "../../../../src/domain/shifts/shift-start.ts";

const items = [
  { id: "o2-pressure", label: { fr: "Pression O2", en: "O2 pressure" }, equipmentId: "o2-main" },
  { id: "bavu-present", label: { fr: "BAVU", en: "BAVU" } },
];
const hour = 3_600_000;
const signIn = Date.parse("2026-11-23T19:00:00Z");
const run = (at: number, failed: string[] = []) => ({ at, failed, by: "J. Martin" });

describe("shift-start checklist validity window", () => {
  it("spares the doctor when a technician signed it within the last 12 hours", () => {
    const state = shiftStartState({
      items,
      technicianRun: run(signIn - 11 * hour),
      doctorRun: null,
      now: signIn,
      validHours: 12,
    });
    expect(state).toMatchObject({ state: "covered", validUntil: signIn + hour });
    expect(checklistToShow(state)).toBeNull();
  });

  it("counts exactly 12 hours as still valid, and one millisecond more as expired", () => {
    const at = (age: number) =>
      shiftStartState({
        items,
        technicianRun: run(signIn - age),
        doctorRun: null,
        now: signIn,
        validHours: 12,
      }).state;
    expect(at(12 * hour)).toBe("covered");
    expect(at(12 * hour + 1)).toBe("pending");
  });

  it("shows the checklist when nobody did it, and follows a configured window", () => {
    const none = shiftStartState({
      items,
      technicianRun: null,
      doctorRun: null,
      now: signIn,
      validHours: 12,
    });
    expect(checklistToShow(none)).toEqual(items);
    const short = shiftStartState({
      items,
      technicianRun: run(signIn - 3 * hour),
      doctorRun: null,
      now: signIn,
      validHours: 2,
    });
    expect(short.state).toBe("pending");
  });

  it("is done once the doctor answered it, failed items included", () => {
    const state = shiftStartState({
      items,
      technicianRun: null,
      doctorRun: run(signIn + 60_000, ["bavu-present"]),
      now: signIn,
      validHours: 12,
    });
    expect(state).toMatchObject({ state: "done", run: { failed: ["bavu-present"] } });
  });

  it("needs nothing when the profile has no shift-start checklist", () => {
    expect(
      shiftStartState({ items: [], technicianRun: null, doctorRun: null, now: signIn, validHours: 12 }).state,
    ).toBe("not_required");
  });
});
