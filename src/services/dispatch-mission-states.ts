/**
 * How dispatch's view of a mission moves with what the car reports (PROTOCOL.md A: assign →
 * received → displayed → accepted → en_route → on_scene → with_patient → visit_done → report).
 * Messages may arrive out of order (different topics, shared subscriptions), so a state never goes
 * back: a late `received` after `en_route` changes nothing.
 */
import { type MissionState, missionStates } from "../contracts/dispatch-api.ts";

const order: readonly string[] = missionStates;
const terminal = new Set<string>(["closed", "cancelled", "declined"]);

/** The new state, or null to leave it. `next` may be a status key that is not a mission state. */
export function missionStateAfter(current: string, next: string): MissionState | null {
  if (!order.includes(next) || terminal.has(current)) return null;
  if (next === "declined" || next === "cancelled" || next === "closed") return next as MissionState;
  return order.indexOf(next) > order.indexOf(current) ? (next as MissionState) : null;
}
