/**
 * Vehicle power from the `VEH` record (PROTOCOL.md B: `ignition` 0/1, `supply_mV`), issue 5:
 *   ignition off and supply under `warnMv` (11 800 mV) → warning: a resting lead-acid battery at
 *     11.8 V is about a third charged, and the equipment (ECG charger, controller, terminal) keeps
 *     draining it while the car is parked at a patient's door
 *   ignition off and supply under `faultMv` (11 400 mV) → fault: near the point where the engine may
 *     not start again (the profile's second threshold; the issue only names the warning)
 * With the ignition on, the reading is the alternator's charging voltage, not the battery's state
 * of charge, so these thresholds do not apply (documented in docs/equipment-readiness.md).
 * "Under" is strict: exactly 11 800 mV is ok.
 */
import type { Finding } from "./readiness-labels.ts";

export interface VehiclePowerRule {
  readonly warnMv: number;
  readonly faultMv: number;
}

export interface VehicleReading {
  /** Receive time, epoch ms. */
  readonly at: number;
  readonly ignition: boolean;
  readonly supplyMv: number;
}

export function assessVehiclePower(rule: VehiclePowerRule, reading: VehicleReading): Finding[] {
  if (reading.ignition) return [];
  const reason = { code: "supply_low", supplyMv: reading.supplyMv } as const;
  if (reading.supplyMv < rule.faultMv) return [{ state: "fault", reason }];
  if (reading.supplyMv < rule.warnMv) return [{ state: "warning", reason }];
  return [];
}
