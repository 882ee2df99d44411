import { describe, expect, it } from "vitest";
import { reportingPolicySchema } from "../../../src/contracts/reporting-policy.ts";
import { defaultReportingPolicy } from "../../../src/domain/reporting-policy.ts";

describe("reporting policy config", () => {
  it("gives the domain's defaults for an empty config", () => {
    expect(reportingPolicySchema.parse({})).toEqual(defaultReportingPolicy);
  });

  it("keeps the other defaults when a profile changes one threshold", () => {
    const config = reportingPolicySchema.parse({
      mission: { intervalS: 5 },
      stationary: { heartbeatS: 600 },
    });
    expect(config.mission).toEqual({ ...defaultReportingPolicy.mission, intervalS: 5 });
    expect(config.patrol).toEqual(defaultReportingPolicy.patrol);
    expect(config.stationary).toEqual({ ...defaultReportingPolicy.stationary, heartbeatS: 600 });
  });

  it("reports a misspelt threshold instead of silently using the default", () => {
    const result = reportingPolicySchema.safeParse({ patrol: { distanceMeters: 50 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["patrol"]);
  });

  it("refuses values that would break the link rather than tune it", () => {
    expect(reportingPolicySchema.safeParse({ patrol: { intervalS: 0 } }).success).toBe(false);
    expect(reportingPolicySchema.safeParse({ stationary: { heartbeatS: 7200 } }).success).toBe(false);
    expect(reportingPolicySchema.safeParse({ mission: { angleDeg: 270 } }).success).toBe(false);
    expect(reportingPolicySchema.safeParse({ movingSpeedMps: -1 }).success).toBe(false);
  });
});
