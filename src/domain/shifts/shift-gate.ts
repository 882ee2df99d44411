/**
 * Whether the doctor may be `available` (issue 10, "the result and the readiness verdict decide
 * whether `available` is allowed, under the configured policy"), from the equipment's readiness
 * verdict and the shift-start checklist.
 *
 * Two policies apply, each to its own source: `missions.readinessPolicy` to the equipment's faults
 * (issue 5) and `shifts.policy` to the shift-start checklist (pending, or an item failed). The status
 * board runs ONE gate (`gateAvailability`) with one policy, so `gatedVerdict` applies both policies
 * itself and hands the board a verdict whose remaining faults are exactly what must block; the board
 * is then given policy "block". A fault that only warns becomes a warning with the same reason and
 * text; the verdict's `readiness` is left as the equipment said.
 *
 * The shift-start findings go on a pseudo-item `shift-start` (not equipment: it never reaches the
 * `equipment` message, only the status board's answer to the doctor).
 */

import { reasonTexts } from "../equipment/readiness-labels.ts";
import {
  type GatePolicy,
  gateAvailability,
  type ItemAssessment,
  type ReadinessVerdict,
} from "../equipment/readiness-verdict.ts";
import type { ShiftStartState } from "./shift-start.ts";

export const shiftStartItemId = "shift-start";
const subject = { fr: "Prise de garde", en: "Shift start" };
const checklistName = { fr: "liste de prise de garde", en: "shift-start checklist" };

export interface GatePolicies {
  /** `missions.readinessPolicy`: equipment faults. */
  readonly equipment: GatePolicy;
  /** `shifts.policy`: the shift-start checklist. */
  readonly shiftStart: GatePolicy;
}

/** The findings of the shift-start checklist, as a pseudo-item; null when it is fine. */
export function shiftStartAssessment(
  state: ShiftStartState | null,
  labels: (checkId: string) => { fr: string; en: string },
): ItemAssessment | null {
  if (state === null || state.state === "not_required") return null;
  const findings: ItemAssessment["findings"][number][] = [];
  if (state.state === "pending") {
    const reason = { code: "check_overdue", check: checklistName, ageMs: null } as const;
    findings.push({ state: "fault", reason, text: reasonTexts(reason, subject) });
  } else
    for (const checkId of state.run.failed) {
      const reason = { code: "check_failed", check: labels(checkId) } as const;
      findings.push({ state: "fault", reason, text: reasonTexts(reason, subject) });
    }
  if (findings.length === 0) return null;
  // The kind is read by nothing on this path (the board reads findings); "drug_kit" stands for
  // "no sensor", like a kit, because the verdict's item type only knows equipment kinds.
  return { id: shiftStartItemId, kind: "drug_kit", state: "fault", findings };
}

function downgraded(item: ItemAssessment): ItemAssessment {
  if (!item.findings.some((finding) => finding.state === "fault")) return item;
  return {
    ...item,
    state: "warning",
    findings: item.findings.map((finding) =>
      finding.state === "fault" ? { ...finding, state: "warning" as const } : finding,
    ),
  };
}

/**
 * The verdict for the status board (run with policy "block"). null (unknown) only when there is no
 * equipment verdict and nothing to say about the shift start: the board then gates nothing.
 */
export function gatedVerdict(
  equipment: ReadinessVerdict | null,
  shiftStart: ItemAssessment | null,
  policies: GatePolicies,
): ReadinessVerdict | null {
  if (equipment === null && shiftStart === null) return null;
  const items = (equipment?.items ?? []).map((item) =>
    policies.equipment === "block" ? item : downgraded(item),
  );
  if (shiftStart !== null) items.push(policies.shiftStart === "block" ? shiftStart : downgraded(shiftStart));
  return { readiness: equipment?.readiness ?? "degraded", items };
}

/** The same decision, for the screens: allowed, and the reasons shown or blocking. */
export function availabilityDecision(verdict: ReadinessVerdict | null) {
  return verdict === null
    ? { allowed: true, warnings: [], blockingReasons: [] }
    : gateAvailability(verdict, "block");
}
