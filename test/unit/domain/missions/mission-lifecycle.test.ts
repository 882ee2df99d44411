/**
 * Every (mission state × event) pair of the lifecycle, against an explicit expected table: a
 * transition gives the next state, anything else a typed error with French and English text.
 */
import { describe, expect, it } from "vitest";
import {
  applyMissionEvent,
  type MissionEvent,
  type MissionState,
  missionEvents,
  missionStates,
} from "../../../../src/domain/missions/mission-lifecycle.ts";

// Columns, in this order. "=" keeps the state; "x" is refused (invalid_transition); "late" is a
// cancel refused because the visit is over (cancel_too_late).
const columns: MissionEvent[] = [
  "receive",
  "display",
  "accept",
  "decline",
  "en_route",
  "on_scene",
  "with_patient",
  "visit_done",
  "report",
  "report_acknowledged",
  "cancel",
  "update",
];

// biome-ignore format: the table is easier to check aligned
const expected: Record<MissionState, string> = {
  //             receive   display    accept    decline   en_route  on_scene  with_pat.    visit_done  report    rep_ack  cancel     update
  assigned:     "received  x          x         x         x         x         x            x           x         x        cancelled  =",
  received:     "x         displayed  x         x         x         x         x            x           x         x        cancelled  =",
  displayed:    "x         x          accepted  declined  x         x         x            x           x         x        cancelled  =",
  accepted:     "x         x          x         x         en_route  on_scene  x            x           x         x        cancelled  =",
  en_route:     "x         x          x         x         x         on_scene  x            x           x         x        cancelled  =",
  on_scene:     "x         x          x         x         en_route  x         with_patient visit_done  x         x        cancelled  =",
  with_patient: "x         x          x         x         x         x         x            visit_done  x         x        cancelled  =",
  visit_done:   "x         x          x         x         x         x         x            x           reported  x        late       =",
  reported:     "x         x          x         x         x         x         x            x           x         closed   late       x",
  closed:       "x         x          x         x         x         x         x            x           x         x        late       x",
  declined:     "x         x          x         x         x         x         x            x           x         x        x          x",
  cancelled:    "x         x          x         x         x         x         x            x           x         x        x          x",
};

describe("mission lifecycle", () => {
  it("the table has every state and event", () => {
    expect(Object.keys(expected).sort()).toEqual([...missionStates].sort());
    expect([...columns].sort()).toEqual([...missionEvents].sort());
  });

  const cases = missionStates.flatMap((state) => {
    const cells = expected[state].trim().split(/\s+/);
    return columns.map((event, index) => [state, event, cells[index] ?? "?"] as const);
  });

  it.each(cases)("%s + %s → %s", (state, event, cell) => {
    const result = applyMissionEvent(state, event);
    if (cell === "x" || cell === "late") {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe(cell === "late" ? "cancel_too_late" : "invalid_transition");
      expect(result.error.message.fr.length).toBeGreaterThan(10);
      expect(result.error.message.en.length).toBeGreaterThan(10);
    } else {
      expect(result).toEqual({ ok: true, state: cell === "=" ? state : cell });
    }
  });

  it("explains a refusal in French and English", () => {
    const result = applyMissionEvent("visit_done", "cancel");
    expect(result).toEqual({
      ok: false,
      error: {
        code: "cancel_too_late",
        message: {
          fr: "La visite est terminée (mission visite terminée) : l'annulation n'est plus possible",
          en: "The visit is over (mission visit done): it can no longer be cancelled",
        },
      },
    });
    const accept = applyMissionEvent("cancelled", "accept");
    expect(accept.ok ? null : accept.error.message).toEqual({
      fr: "Action « accepter » impossible : la mission est annulée",
      en: "Cannot accept: the mission is cancelled",
    });
  });
});
