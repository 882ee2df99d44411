/**
 * ECG / defibrillator readiness from the `ECG` record (PROTOCOL.md B: `slot`, `battery_pct`,
 * `selftest` P/F/U, `charging`, `docked`), issue 5:
 *   self-test F                              → fault (the device said it cannot be trusted)
 *   self-test U                              → warning (no result yet: not proof of a fault, not ok)
 *   battery under `faultPct`                 → fault, even while charging: charging does not put joules
 *                                              in the device the doctor grabs now
 *   battery under `warnPct` and not charging → warning (charging will lift it)
 *   out of its dock while driving            → warning when the profile's `warnWhenUndocked` is on (a
 *                                              loose device is a projectile, and it is not charging)
 * No record at all is `unknown`: that is the combiner's job (readiness-verdict.ts), as for every sensor.
 * Thresholds are the profile's `battery.warnPct` / `battery.faultPct` (issue 5 suggests 20 / 10).
 */
import type { Finding } from "./readiness-labels.ts";

export interface EcgRule {
  readonly battery: { readonly warnPct: number; readonly faultPct: number };
  readonly warnWhenUndocked: boolean;
}

export type SelfTest = "P" | "F" | "U";

export interface EcgReading {
  /** Receive time, epoch ms. */
  readonly at: number;
  readonly batteryPct: number;
  readonly selftest: SelfTest;
  readonly charging: boolean;
  readonly docked: boolean;
}

export interface EcgContext {
  /** Whether the car is moving (ignition on, or GNSS speed): decided by the caller. */
  readonly driving: boolean;
}

export function assessEcg(rule: EcgRule, reading: EcgReading, context: EcgContext): Finding[] {
  const findings: Finding[] = [];
  if (reading.selftest === "F") findings.push({ state: "fault", reason: { code: "ecg_selftest_failed" } });
  if (reading.selftest === "U") findings.push({ state: "warning", reason: { code: "ecg_selftest_unknown" } });
  const battery = { code: "ecg_battery_low", pct: reading.batteryPct, charging: reading.charging } as const;
  if (reading.batteryPct < rule.battery.faultPct) findings.push({ state: "fault", reason: battery });
  else if (reading.batteryPct < rule.battery.warnPct && !reading.charging)
    findings.push({ state: "warning", reason: battery });
  if (rule.warnWhenUndocked && context.driving && !reading.docked)
    findings.push({ state: "warning", reason: { code: "ecg_undocked_driving" } });
  return findings;
}
