import { describe, expect, it } from "vitest";
import {
  changedFields,
  type MissionDetails,
  mergeMissionUpdate,
  withoutPatientData,
} from "../../../../src/domain/missions/mission-details.ts";
import { purgeDueAt, visitTimes } from "../../../../src/domain/missions/mission-times.ts";

const assigned: MissionDetails = {
  priority: "P1",
  reason: "Douleur thoracique",
  address: { text: "12 rue Sainte-Catherine, Bordeaux", lat: 44.84, lon: -0.57, access: "code 1234B" },
  patient: { name: "Jeanne Martin", age: 67, sex: "F" },
  callback: "06 12 34 56 78",
  notes: "Fille sur place",
  caseId: "fr.health.samu330.DRFR153300123",
};

describe("mission.update merge", () => {
  it("replaces the address as a whole: the old door code must not follow a new address", () => {
    const merged = mergeMissionUpdate(assigned, { address: { text: "3 place de la Bourse, Bordeaux" } });
    expect(merged.address).toEqual({ text: "3 place de la Bourse, Bordeaux" });
    expect(merged.patient).toEqual(assigned.patient);
    expect(merged.callback).toBe(assigned.callback);
  });

  it("merges patient fields one by one and keeps what the update does not name", () => {
    const merged = mergeMissionUpdate(assigned, { patient: { age: 68 }, priority: "P0" });
    expect(merged.patient).toEqual({ name: "Jeanne Martin", age: 68, sex: "F" });
    expect(merged.priority).toBe("P0");
    expect(merged.reason).toBe(assigned.reason);
    expect(changedFields({ patient: { age: 68 }, priority: "P0" })).toEqual(["patient", "priority"]);
  });
});

describe("patient data purge", () => {
  it("keeps no identifier: name, callback, address, door code, notes", () => {
    const purged = withoutPatientData(assigned);
    expect(purged).toEqual({
      priority: "P1",
      reason: "Douleur thoracique",
      address: { text: "—" },
      patient: { age: 67, sex: "F" },
      caseId: "fr.health.samu330.DRFR153300123",
    });
    expect(JSON.stringify(purged)).not.toMatch(/Jeanne|Martin|06 12|Sainte-Catherine|1234B|Fille|44\.84/);
  });

  it("is due N hours after the mission ended", () => {
    expect(purgeDueAt(1_000, 24)).toBe(1_000 + 24 * 3_600_000);
  });
});

describe("visit times from the timeline", () => {
  it("takes the first time of each step, and the visit length from arrival to the end", () => {
    const min = 60_000;
    const times = visitTimes([
      { state: "received", at: 0 },
      { state: "accepted", at: 1 * min },
      { state: "en_route", at: 2 * min },
      { state: "on_scene", at: 20 * min },
      { state: "en_route", at: 21 * min }, // wrong building
      { state: "on_scene", at: 25 * min },
      { state: "with_patient", at: 26 * min },
      { state: "visit_done", at: 50 * min },
    ]);
    expect(times).toEqual({
      receivedAt: 0,
      acceptedAt: min,
      enRouteAt: 2 * min,
      onSceneAt: 20 * min,
      withPatientAt: 26 * min,
      visitDoneAt: 50 * min,
      visitMinutes: 30,
    });
  });
});
