/**
 * The readiness verdict as the `equipment` message carries it (PROTOCOL.md A, body schema in
 * src/contracts/telemetry.ts), and the part of it whose change is worth a message.
 *
 * - `ready` answers "may the car be available?" (docs/equipment-readiness.md): the availability
 *   gate under the car's policy, so under "block" a fault makes it false and warnings or unknowns
 *   do not (a controller that stops talking must not take a doctor off the road).
 * - `reasons` are the French sentences: the contract has one string per reason and dispatch in
 *   France reads French; the English texts stay in the verdict for the kiosk.
 * - The change key holds the verdict, each item's state and its reason *codes*, not the figures:
 *   a draining cylinder changes its pressure every second and a stale item's age text every tick,
 *   and neither alone is worth a message; the figures go out with the next change and every 10 min.
 */
import type { z } from "zod";
import type { equipmentBody } from "../contracts/telemetry.ts";
import {
  type GatePolicy,
  gateAvailability,
  type ReadinessVerdict,
} from "../domain/equipment/readiness-verdict.ts";

export type EquipmentBody = z.input<typeof equipmentBody>;

/** The contract's caps (telemetry.ts): 16 reasons an item, 64 items. */
const maxReasons = 16;

export function equipmentBodyOf(verdict: ReadinessVerdict, policy: GatePolicy): EquipmentBody {
  return {
    ready: gateAvailability(verdict, policy).allowed,
    items: verdict.items.map((item) => ({
      id: item.id,
      kind: item.kind,
      state: item.state,
      reasons: item.findings.slice(0, maxReasons).map((finding) => finding.text.fr),
      ...(item.readings === undefined ? {} : { readings: { ...item.readings } }),
      ...(item.checkedAt === undefined ? {} : { checkedAt: new Date(item.checkedAt).toISOString() }),
      ...(item.expiresOn === undefined ? {} : { expiresOn: item.expiresOn }),
    })),
  };
}

/** Equal keys: nothing a doctor or dispatch would act on has changed. */
export function verdictKey(verdict: ReadinessVerdict): string {
  const items = verdict.items.map(
    (item) => `${item.id}=${item.state}(${item.findings.map((finding) => finding.reason.code).join(",")})`,
  );
  return `${verdict.readiness} ${items.join(" ")}`;
}
