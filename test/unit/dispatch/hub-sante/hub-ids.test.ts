/** Hub Santé ids: resourceId, caseId from our mission ids, distributionID. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { caseIdSchema } from "../../../../src/contracts/dispatch-commands.ts";
import {
  caseIdForMission,
  caseIdPattern,
  clientIdPattern,
  distributionId,
  escapeIdSegment,
  orgIdPattern,
  resourceId,
  resourceIdPattern,
} from "../../../../src/domain/hub-sante/hub-ids.ts";
import { validators } from "./official-schemas.ts";

/** The official RS-SR caseId pattern, used here on strings that match (it backtracks on others). */
const officialCaseId = /^([a-zA-Z0-9_-]+\.?){4,10}$/;

describe("Hub Santé ids", () => {
  it("names a car fr.health.{orgId}.resource.{vehicle}, valid against the official pattern", () => {
    expect(resourceId("sos33", "BDX-07")).toBe("fr.health.sos33.resource.BDX-07");
    expect(resourceId("sos33", "BDX-07")).toMatch(resourceIdPattern);
    expect(resourceId("sos-medecins.bordeaux", "car_12")).toMatch(resourceIdPattern);
  });

  it("keeps dispatch's own mission ids as they are in the case id", () => {
    expect(caseIdForMission("sos33", "M-20261123-4F2A9C")).toBe("fr.health.sos33.M-20261123-4F2A9C");
  });

  it("escapes what a segment cannot hold, dots and underscores included", () => {
    expect(escapeIdSegment("A.B")).toBe("A_2EB");
    expect(escapeIdSegment("A_2EB")).toBe("A_5F2EB");
    expect(escapeIdSegment("M/12:3~")).toBe("M_2F12_3A3_7E");
  });

  it("maps every mission id to a valid case id, and two mission ids never to the same one", () => {
    const missionId = fc.stringMatching(/^[!-~]{1,128}$/);
    fc.assert(
      fc.property(missionId, missionId, (a, b) => {
        const caseA = caseIdForMission("sos33", a);
        expect(caseA).toMatch(caseIdPattern);
        expect(caseA).toMatch(officialCaseId);
        expect(caseIdSchema.safeParse(caseA).success).toBe(true);
        expect(
          validators.rsSr({
            caseId: caseA,
            resourceId: resourceId("sos33", "BDX-07"),
            state: { datetime: "2026-11-23T22:04:05+01:00", status: "DEPART" },
          }),
        ).toBe(true);
        if (a !== b) expect(caseIdForMission("sos33", b)).not.toBe(caseA);
      }),
      { numRuns: 300 },
    );
  });

  it("builds distribution ids as {senderID}_{uuid}", () => {
    expect(distributionId("fr.health.sos33", "1d0c4b5e-7c1e-4f6a-9d52-0e8f3c1a2b3c")).toBe(
      "fr.health.sos33_1d0c4b5e-7c1e-4f6a-9d52-0e8f3c1a2b3c",
    );
  });

  it("accepts the client ids of the official examples and refuses malformed ones", () => {
    for (const id of ["fr.health.samu440", "fr.health.test.samuA", "fr.fire.nexsis.sdisZ"])
      expect(id).toMatch(clientIdPattern);
    for (const id of ["samu440", "fr..health", "fr.health.samu 440", "fr.health."])
      expect(id).not.toMatch(clientIdPattern);
    expect("sos33").toMatch(orgIdPattern);
    expect("a.b.c.d.e.f.g").not.toMatch(orgIdPattern);
  });
});
