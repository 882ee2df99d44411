/**
 * BAVU (bag valve mask) readiness from the `BAG` record (PROTOCOL.md B: `slot`, `present` 0/1),
 * issue 5: a bag absent from its bracket is a fault — a doctor who finds no bag at a cardiac arrest
 * has nothing to ventilate with.
 *
 * The other BAVU rule, "a last manual check older than its schedule is a warning", is the generic
 * overdue-check rule (technician checklists of the profile, `assessChecks` in technician-checks.ts):
 * it applies to every item a checklist names, the BAVU's `bavu-present` and `bavu-function` included.
 */
import type { Finding } from "./readiness-labels.ts";

export interface BagReading {
  /** Receive time, epoch ms. */
  readonly at: number;
  readonly present: boolean;
}

export function assessBavu(reading: BagReading): Finding[] {
  return reading.present ? [] : [{ state: "fault", reason: { code: "bavu_absent" } }];
}
