/**
 * Every (current status × requested status) pair of the radio status rules, against explicit expected
 * tables: once with no accepted mission (none yet, or cancelled), once with an accepted mission in the
 * phase that goes with the current status. A refusal is a typed error with fr/en text.
 */
import { describe, expect, it } from "vitest";
import type { ActivePhase } from "../../../../src/domain/missions/mission-lifecycle.ts";
import { decideStatus, statusCode } from "../../../../src/domain/missions/status-rules.ts";
import { type StatusKey, statusKeys } from "../../../../src/domain/radio-status.ts";

const columns: StatusKey[] = [
  "available",
  "at_base",
  "en_route",
  "on_scene",
  "with_patient",
  "visit_done",
  "call_request",
  "unavailable",
  "samu_backup",
  "emergency",
];

// ok    allowed, the status changes, the mission does not move
// adv   allowed, and it advances the mission to that phase
// ret   allowed, back to the mission's own phase after an interlude (the mission does not move)
// keep  allowed, sent, but the current status stays (call_request)
// same  refused: already in that status          open  refused: a mission is in progress
// none  refused: no accepted mission             phase refused: not from the mission's phase

// biome-ignore format: the table is easier to check aligned
const withoutMission: Record<StatusKey, string> = {
  //            avail base  route scene pat   done  call  unav  samu  emerg
  available:    "same ok    none  none  none  none  keep  ok    none  ok",
  at_base:      "ok   same  none  none  none  none  keep  ok    none  ok",
  en_route:     "ok   ok    same  none  none  none  keep  ok    none  ok",
  on_scene:     "ok   ok    none  same  none  none  keep  ok    none  ok",
  with_patient: "ok   ok    none  none  same  none  keep  ok    none  ok",
  visit_done:   "ok   ok    none  none  none  same  keep  ok    none  ok",
  call_request: "ok   ok    none  none  none  none  keep  ok    none  ok",
  unavailable:  "ok   ok    none  none  none  none  keep  same  none  ok",
  samu_backup:  "ok   ok    none  none  none  none  keep  ok    same  ok",
  emergency:    "ok   ok    none  none  none  none  keep  ok    none  same",
};

/** The accepted mission's phase that goes with each current status. */
const phaseFor: Record<StatusKey, ActivePhase> = {
  available: "accepted",
  at_base: "accepted",
  en_route: "en_route",
  on_scene: "on_scene",
  with_patient: "with_patient",
  visit_done: "accepted", // the previous mission is done, the next one just accepted
  call_request: "accepted",
  unavailable: "accepted",
  samu_backup: "with_patient",
  emergency: "on_scene",
};

// biome-ignore format: the table is easier to check aligned
const withMission: Record<StatusKey, string> = {
  //            avail base  route scene pat   done  call  unav  samu  emerg
  available:    "same open  adv   adv   phase phase keep  open  phase ok",
  at_base:      "open same  adv   adv   phase phase keep  open  phase ok",
  en_route:     "open open  same  adv   phase phase keep  open  phase ok",
  on_scene:     "open open  adv   same  adv   adv   keep  open  ok    ok",
  with_patient: "open open  phase phase same  adv   keep  open  ok    ok",
  visit_done:   "open open  adv   adv   phase same  keep  open  phase ok",
  call_request: "open open  adv   adv   phase phase keep  open  phase ok",
  unavailable:  "open open  adv   adv   phase phase keep  same  phase ok",
  samu_backup:  "open open  phase phase ret   adv   keep  open  same  ok",
  emergency:    "open open  adv   ret   adv   adv   keep  open  ok    same",
};

const errorCodes: Record<string, string> = {
  same: "same_status",
  open: "mission_open",
  none: "no_active_mission",
  phase: "wrong_phase",
};

function check(current: StatusKey, requested: StatusKey, cell: string, mission: ActivePhase | null) {
  const activeMission = mission === null ? null : { id: "M-42", phase: mission };
  const decision = decideStatus({ current, activeMission }, requested);
  const code = errorCodes[cell];
  if (code !== undefined) {
    expect(decision.ok).toBe(false);
    if (decision.ok) return;
    expect(decision.error.code).toBe(code);
    expect(decision.error.message.fr).not.toBe("");
    expect(decision.error.message.en).not.toBe("");
    return;
  }
  expect(decision).toEqual({
    ok: true,
    changesStatus: cell !== "keep",
    missionId: activeMission?.id ?? null,
    missionEvent: cell === "adv" ? requested : null,
  });
}

function cases(table: Record<StatusKey, string>) {
  return statusKeys.flatMap((current) => {
    const cells = table[current].trim().split(/\s+/);
    return columns.map((requested, index) => [current, requested, cells[index] ?? "?"] as const);
  });
}

describe("radio status rules", () => {
  it("the tables cover the ten statuses both ways", () => {
    expect([...columns].sort()).toEqual([...statusKeys].sort());
    for (const table of [withoutMission, withMission])
      for (const key of statusKeys) expect(table[key].trim().split(/\s+/)).toHaveLength(10);
  });

  it.each(cases(withoutMission))("no accepted mission: %s → %s is %s", (current, requested, cell) =>
    check(current, requested, cell, null),
  );

  it.each(cases(withMission))("accepted mission: %s → %s is %s", (current, requested, cell) =>
    check(current, requested, cell, phaseFor[current]),
  );

  it("allows the first status of a new car, except the field statuses", () => {
    expect(decideStatus({ current: null, activeMission: null }, "available").ok).toBe(true);
    expect(decideStatus({ current: null, activeMission: null }, "on_scene").ok).toBe(false);
  });

  it("says why in the doctor's words", () => {
    const decision = decideStatus(
      { current: "en_route", activeMission: { id: "M-42", phase: "en_route" } },
      "available",
    );
    expect(decision.ok ? null : decision.error.message.fr).toBe(
      "« Disponible » impossible : la mission M-42 est en cours (terminez-la ou attendez son annulation)",
    );
    const visit = decideStatus(
      { current: "en_route", activeMission: { id: "M-42", phase: "en_route" } },
      "visit_done",
    );
    expect(visit.ok ? null : visit.error.message).toEqual({
      fr: "« Fin de visite » impossible maintenant : la mission M-42 est « en route »",
      en: '"Visit done" is not possible now: mission M-42 is "en route"',
    });
  });

  it("gives the wire code of each key", () => {
    expect(statusCode("with_patient")).toBe(7);
    expect(statusCode("emergency")).toBe(0);
  });
});
