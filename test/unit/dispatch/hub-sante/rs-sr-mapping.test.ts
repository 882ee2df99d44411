/**
 * Radio statuses → RS-SR (PROTOCOL.md status table and src/domain/hub-sante/rs-sr.ts): every status,
 * a mission's whole lifecycle, and what the table leaves open (no case, unavailable, repeats).
 */
import { describe, expect, it } from "vitest";
import {
  type HubCarState,
  initialHubCarState,
  type ResourcesStatus,
  type RsSrStep,
  rsSrStep,
  type StatusEvent,
} from "../../../../src/domain/hub-sante/rs-sr.ts";
import type { StatusKey } from "../../../../src/domain/radio-status.ts";
import { validators } from "./official-schemas.ts";

const context = { resourceId: "fr.health.sos33.resource.BDX-07", timeZone: "Europe/Paris" };
const caseA = "fr.health.sos33.M-20261123-4F2A9C";
const t0 = Date.parse("2026-11-23T21:00:00.250Z");

/** Plays statuses one minute apart; each with a mission when `caseId` is given. */
function play(steps: Array<[StatusKey, string | null]>, from: HubCarState = initialHubCarState): RsSrStep[] {
  let state = from;
  return steps.map(([key, caseId], i) => {
    const event: StatusEvent = { key, since: t0 + i * 60_000, caseId };
    const step = rsSrStep(state, event, context);
    state = step.state;
    if (step.message)
      expect(validators.rsSr(step.message), JSON.stringify(validators.rsSr.errors)).toBe(true);
    return step;
  });
}

const sent = (steps: RsSrStep[]) =>
  steps.flatMap((s) => (s.message ? [s.message.state] : [])).map((s) => [s.status, s.availability]);

describe("RS-SR mapping", () => {
  it("maps a mission's lifecycle to DEPART, ARRIVEE, PEC, FINPEC, then RETOUR available", () => {
    const steps = play([
      ["en_route", caseA],
      ["on_scene", caseA],
      ["with_patient", caseA],
      ["visit_done", caseA],
      ["available", null],
    ]);
    expect(sent(steps)).toEqual([
      ["DEPART", undefined],
      ["ARRIVEE", undefined],
      ["PEC", undefined],
      ["FINPEC", undefined],
      ["RETOUR", true],
    ]);
    const first = steps[0]?.message as ResourcesStatus;
    expect(first).toEqual({
      caseId: caseA,
      resourceId: "fr.health.sos33.resource.BDX-07",
      state: { datetime: "2026-11-23T22:00:00+01:00", status: "DEPART" },
    });
    // The return closes the case: the car is free.
    expect(steps[4]?.state.caseId).toBeNull();
    expect(steps[4]?.message?.caseId).toBe(caseA);
  });

  it.each<[StatusKey, string, boolean | undefined]>([
    ["en_route", "DEPART", undefined],
    ["on_scene", "ARRIVEE", undefined],
    ["with_patient", "PEC", undefined],
    ["visit_done", "FINPEC", undefined],
    ["samu_backup", "ORIENTAT", undefined],
    ["available", "RETOUR", true],
    ["at_base", "RET-BASE", true],
  ])("maps %s to %s (availability %s) within a case", (key, status, availability) => {
    const [step] = play([[key, caseA]]);
    expect(step?.outcome).toBe("sent");
    expect(step?.message?.state.status).toBe(status);
    expect(step?.message?.state.availability).toBe(availability);
  });

  it("sends nothing for call_request and emergency, and keeps the car's status", () => {
    const steps = play([
      ["en_route", caseA],
      ["call_request", caseA],
      ["en_route", caseA],
      ["emergency", caseA],
      ["en_route", caseA],
    ]);
    expect(steps.map((s) => s.outcome)).toEqual(["sent", "request", "unchanged", "emergency", "unchanged"]);
    expect(steps[3]?.state).toMatchObject({ statusKey: "en_route", emergency: true });
    expect(steps[4]?.state).toMatchObject({ statusKey: "en_route", emergency: false });
  });

  it("reports unavailable as the case's last status with availability false", () => {
    const steps = play([
      ["visit_done", caseA],
      ["unavailable", null],
      ["available", null],
    ]);
    expect(sent(steps)).toEqual([
      ["FINPEC", undefined],
      ["FINPEC", false],
      ["RETOUR", true],
    ]);
  });

  it("sends nothing for a car without a case (GEO-POS carries its availability)", () => {
    const steps = play([
      ["available", null],
      ["unavailable", null],
      ["at_base", null],
    ]);
    expect(steps.map((s) => s.outcome)).toEqual(["no_case", "no_case", "no_case"]);
    expect(steps[2]?.state.statusKey).toBe("at_base");
  });

  it("sends nothing for unavailable on a case that had no RS-SR yet (the gateway started mid-mission)", () => {
    const mid: HubCarState = { ...initialHubCarState, statusKey: "visit_done", caseId: caseA };
    expect(play([["unavailable", null]], mid)[0]?.outcome).toBe("no_status");
  });

  it("starts a new case with the next mission, even without a return to availability", () => {
    const caseB = "fr.health.sos33.M-20261123-77AA01";
    const steps = play([
      ["visit_done", caseA],
      ["en_route", caseB],
      ["on_scene", caseB],
    ]);
    expect(steps.map((s) => s.message?.caseId)).toEqual([caseA, caseB, caseB]);
  });

  it("takes a status published again after call_request (its old since, a new seq) as a repeat", () => {
    const start = rsSrStep(
      initialHubCarState,
      { key: "en_route", since: t0, seq: 10, caseId: caseA },
      context,
    );
    const request = rsSrStep(
      start.state,
      { key: "call_request", since: t0 + 5000, seq: 11, caseId: caseA },
      context,
    );
    const again = rsSrStep(request.state, { key: "en_route", since: t0, seq: 12, caseId: caseA }, context);
    expect([start.outcome, request.outcome, again.outcome]).toEqual(["sent", "request", "unchanged"]);
    expect(again.state).toMatchObject({ lastSeq: 12, lastSince: t0 + 5000 });
  });

  it("sends a late field status on its own and leaves the state alone; a late free status is dropped", () => {
    const done = play([
      ["visit_done", caseA],
      ["available", null],
    ]);
    const state = done[1]?.state as HubCarState;
    const late = rsSrStep(state, { key: "on_scene", since: t0 - 60_000, seq: null, caseId: caseA }, context);
    expect(late).toMatchObject({ outcome: "late", state });
    expect(late.message?.state).toEqual({ datetime: "2026-11-23T21:59:00+01:00", status: "ARRIVEE" });
    const lateFree = rsSrStep(
      state,
      { key: "unavailable", since: t0 - 60_000, seq: null, caseId: null },
      context,
    );
    expect(lateFree).toMatchObject({ outcome: "late_skipped", message: null, state });
  });

  it("takes a car whose seq starts again (a new database) for a car in order, by its later since", () => {
    const before = rsSrStep(
      initialHubCarState,
      { key: "en_route", since: t0, seq: 500, caseId: caseA },
      context,
    );
    const after = rsSrStep(
      before.state,
      { key: "on_scene", since: t0 + 60_000, seq: 1, caseId: caseA },
      context,
    );
    expect(after.outcome).toBe("sent");
    expect(after.state.lastSeq).toBe(1);
  });

  it("does not repeat the return to availability when the car publishes it again", () => {
    const steps = play([
      ["visit_done", caseA],
      ["available", null],
      ["available", null],
    ]);
    expect(steps.map((s) => s.outcome)).toEqual(["sent", "sent", "no_case"]);
  });
});
