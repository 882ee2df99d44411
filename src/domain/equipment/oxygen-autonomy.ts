/**
 * Oxygen autonomy from the `O2` record (PROTOCOL.md B: `slot`, `pressure_bar`, `flow_lpm`, 0 when
 * closed), issue 5:
 *   usable litres = (pressure − reserve) × water volume      (Boyle: 1 L of water volume holds ~1 L of
 *                                                            gas per bar; the reserve is never counted)
 *   minutes       = usable litres ÷ flow, at the current flow, or at the reference flow (15 L/min, a
 *                   high-concentration mask) when the valve is closed
 * Under `warnMinutes` (30) is a warning, under `faultMinutes` (15) a fault, both from the profile.
 * Worked example (a test): B5 at 150 bar, 20 bar reserve, 15 L/min → 130 × 5 = 650 L → 43.3 → 43 min.
 *
 * Field names are the vehicle profile's (src/contracts/vehicle-profile.ts), so a profile item can be
 * passed as is; domain cannot import contracts (DESIGN.md §2), hence the structural type.
 */
import type { Finding } from "./readiness-labels.ts";

export interface OxygenRule {
  readonly cylinder: { readonly waterVolumeL: number; readonly reserveBar: number };
  /** Flow assumed while the valve is closed. */
  readonly referenceFlowLpm: number;
  readonly warnMinutes: number;
  readonly faultMinutes: number;
}

export interface OxygenReading {
  /** Receive time, epoch ms. */
  readonly at: number;
  /** Gauge pressure, bar. */
  readonly pressureBar: number;
  /** Current flow, L/min; 0 when the valve is closed. */
  readonly flowLpm: number;
}

export interface OxygenAutonomy {
  /** Gas above the reserve, litres; 0 when the pressure is at or below the reserve. */
  readonly usableL: number;
  /** The flow the minutes are computed at: the current one, or the reference when closed. */
  readonly flowLpm: number;
  readonly valveClosed: boolean;
  /** Unrounded minutes, compared with the thresholds. */
  readonly exactMinutes: number;
  /** Whole minutes, rounded down (never promise a minute the cylinder does not hold). */
  readonly minutes: number;
}

export function oxygenAutonomy(rule: OxygenRule, reading: OxygenReading): OxygenAutonomy {
  const usableL = Math.max(0, (reading.pressureBar - rule.cylinder.reserveBar) * rule.cylinder.waterVolumeL);
  const valveClosed = reading.flowLpm <= 0;
  const flowLpm = valveClosed ? rule.referenceFlowLpm : reading.flowLpm;
  const exactMinutes = usableL / flowLpm;
  // 650 / 15 is 43.333…; a binary fraction just under an integer (e.g. 29.999999) must not lose a minute.
  const minutes = Math.floor(exactMinutes + 1e-9);
  return { usableL, flowLpm, valveClosed, exactMinutes, minutes };
}

/** Warning under `warnMinutes`, fault under `faultMinutes`; exactly the threshold is not under it. */
export function assessOxygen(rule: OxygenRule, reading: OxygenReading): Finding[] {
  const { reserveBar } = rule.cylinder;
  if (reading.pressureBar <= reserveBar)
    return [
      {
        state: "fault",
        reason: { code: "oxygen_below_reserve", pressureBar: reading.pressureBar, reserveBar },
      },
    ];
  const autonomy = oxygenAutonomy(rule, reading);
  // The same tolerance as the rounding: 30 min that computes as 29.9999999 is still 30 min.
  const exact = autonomy.exactMinutes + 1e-9;
  const state = exact < rule.faultMinutes ? "fault" : exact < rule.warnMinutes ? "warning" : null;
  if (state === null) return [];
  return [
    {
      state,
      reason: { code: "oxygen_autonomy", minutes: autonomy.minutes, flowLpm: autonomy.flowLpm, reserveBar },
    },
  ];
}

export interface CylinderChanged {
  readonly type: "oxygen.cylinder_changed";
  readonly at: number;
  readonly fromBar: number;
  readonly toBar: number;
}

/**
 * Gas does not flow back into a closed cylinder: a pressure that rises while the valve is closed means
 * the cylinder was swapped (issue 5). The default 20 bar margin is above what sun and heater do to a
 * closed cylinder between two readings (Gay-Lussac: 150 bar warming from 5 to 35 °C gains ~16 bar,
 * and that takes hours), and far below a swap (an almost empty cylinder, or the regulator's 0 bar
 * while it is off, to a full 200 bar).
 */
export function detectCylinderChange(
  previous: OxygenReading | undefined,
  next: OxygenReading,
  minRiseBar = 20,
): CylinderChanged | null {
  if (previous === undefined || next.flowLpm > 0) return null;
  if (next.pressureBar - previous.pressureBar < minRiseBar) return null;
  return {
    type: "oxygen.cylinder_changed",
    at: next.at,
    fromBar: previous.pressureBar,
    toBar: next.pressureBar,
  };
}
