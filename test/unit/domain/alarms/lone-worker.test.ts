import { describe, expect, it } from "vitest";
import {
  type LoneWorkerState,
  loneWorkerOff,
  stepLoneWorker,
} from "../../../../src/domain/alarms/lone-worker.ts";
import { statusKeys } from "../../../../src/domain/radio-status.ts";

const t0 = Date.parse("2026-11-23T21:00:00.000Z");
const min = 60_000;
const settings = { periodMs: 30 * min, extendMs: 15 * min, preAlarmMs: 60_000 };
const running: LoneWorkerState = { phase: "running", startedAt: t0, dueAt: t0 + 30 * min };
const preAlarm: LoneWorkerState = {
  phase: "pre_alarm",
  dueAt: t0 + 30 * min,
  countdownEndsAt: t0 + 31 * min,
};
const alarmed: LoneWorkerState = { phase: "alarmed", since: t0 + 31 * min };

describe("lone-worker timer", () => {
  it("starts on on_scene for the configured period", () => {
    const step = stepLoneWorker(loneWorkerOff, { type: "status", key: "on_scene", now: t0 }, settings);
    expect(step.state).toEqual(running);
    expect(step.deadline).toBe(t0 + 30 * min);
    expect(step.effects).toEqual([]);
  });

  it("runs out into a 60 s countdown, then raises the alarm", () => {
    const early = stepLoneWorker(running, { type: "deadline", now: t0 + 30 * min - 1 }, settings);
    expect(early.state).toBe(running);
    const due = stepLoneWorker(running, { type: "deadline", now: t0 + 30 * min }, settings);
    expect(due.state).toEqual(preAlarm);
    expect(due.effects).toEqual([{ type: "show_countdown", endsAt: t0 + 31 * min }]);
    expect(due.deadline).toBe(t0 + 31 * min);
    const over = stepLoneWorker(preAlarm, { type: "deadline", now: t0 + 31 * min }, settings);
    expect(over.state).toEqual(alarmed);
    expect(over.effects).toEqual([{ type: "hide_countdown" }, { type: "raise_alarm" }]);
    expect(over.deadline).toBeNull();
  });

  it("gives the full countdown after a restart long past the due time", () => {
    const late = stepLoneWorker(running, { type: "deadline", now: t0 + 5 * 3_600_000 }, settings);
    expect(late.state).toEqual({
      phase: "pre_alarm",
      dueAt: t0 + 30 * min,
      countdownEndsAt: t0 + 5 * 3_600_000 + 60_000,
    });
  });

  it("extends by 15 min from the due time, or from now during the countdown", () => {
    const extended = stepLoneWorker(running, { type: "extend", now: t0 + 10 * min }, settings);
    expect(extended.state).toEqual({ phase: "running", startedAt: t0 + 10 * min, dueAt: t0 + 45 * min });
    const fromCountdown = stepLoneWorker(preAlarm, { type: "extend", now: t0 + 30 * min + 20_000 }, settings);
    expect(fromCountdown.state).toMatchObject({ phase: "running", dueAt: t0 + 45 * min + 20_000 });
    expect(fromCountdown.effects).toEqual([{ type: "hide_countdown" }]);
  });

  it("restarts the full period on « tout va bien », also during the countdown", () => {
    const answered = stepLoneWorker(preAlarm, { type: "answer", now: t0 + 30 * min + 30_000 }, settings);
    expect(answered.state).toMatchObject({ phase: "running", dueAt: t0 + 60 * min + 30_000 });
    expect(answered.effects).toEqual([{ type: "hide_countdown" }]);
  });

  it("refuses extend and answer when off or once the alarm is raised, in French and English", () => {
    for (const [state, code] of [
      [loneWorkerOff, "not_running"],
      [alarmed, "alarm_raised"],
    ] as const) {
      for (const type of ["extend", "answer"] as const) {
        const step = stepLoneWorker(state, { type, now: t0 }, settings);
        expect(step.state).toBe(state);
        expect(step.refusal?.code).toBe(code);
        expect(step.refusal?.fr).toMatch(/\S/);
        expect(step.refusal?.en).toMatch(/\S/);
      }
    }
  });

  it("restarts after the lone-worker alarm is cancelled while still on scene", () => {
    const step = stepLoneWorker(alarmed, { type: "alarm_closed", now: t0 + 40 * min }, settings);
    expect(step.state).toEqual({ phase: "running", startedAt: t0 + 40 * min, dueAt: t0 + 70 * min });
  });

  describe("each status × each timer phase", () => {
    const leaving = ["en_route", "visit_done", "available", "at_base", "unavailable"];
    const scene = ["on_scene", "with_patient", "samu_backup"];
    const phases: LoneWorkerState[] = [loneWorkerOff, running, preAlarm, alarmed];
    const now = t0 + 30 * min + 10_000;
    for (const key of statusKeys) {
      for (const state of phases) {
        it(`${key} while ${state.phase}`, () => {
          const step = stepLoneWorker(state, { type: "status", key, now }, settings);
          if (leaving.includes(key)) {
            expect(step.state).toEqual(loneWorkerOff);
            expect(step.effects).toEqual(state.phase === "pre_alarm" ? [{ type: "hide_countdown" }] : []);
          } else if (scene.includes(key) && state.phase !== "alarmed") {
            // A status tapped on scene is a sign of life: the full period restarts.
            expect(step.state).toEqual({ phase: "running", startedAt: now, dueAt: now + 30 * min });
          } else {
            // emergency and call_request are no answer; an alarm already out stays out.
            expect(step.state).toBe(state);
            expect(step.effects).toEqual([]);
          }
        });
      }
    }
  });
});
