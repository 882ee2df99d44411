import { describe, expect, it } from "vitest";
import { isOpen, raiseAlarm, stepAlarm } from "../../../../src/domain/alarms/alarm.ts";

const t0 = Date.parse("2026-11-23T21:00:00.000Z");
const repeatMs = 10_000;
const raised = () => raiseAlarm({ alarmId: "A-1", kind: "panic", now: t0, repeatMs });

describe("raised alarm", () => {
  it("sends the alarm at once and sets the first repeat 10 s later", () => {
    const step = raised();
    expect(step.alarm).toMatchObject({
      phase: "raised",
      raisedAt: t0,
      nextRepeatAt: t0 + repeatMs,
      repeats: 0,
    });
    expect(step.effects).toEqual([{ type: "send_raised", alarmId: "A-1", kind: "panic" }]);
    expect(step.deadline).toBe(t0 + repeatMs);
    expect(isOpen(step.alarm)).toBe(true);
  });

  it("repeats the position at each deadline, and not before", () => {
    const early = stepAlarm(raised().alarm, { type: "repeat_due", now: t0 + 9_999 }, repeatMs);
    expect(early.effects).toEqual([]);
    expect(early.deadline).toBe(t0 + repeatMs);
    const due = stepAlarm(raised().alarm, { type: "repeat_due", now: t0 + repeatMs }, repeatMs);
    expect(due.effects).toEqual([{ type: "send_position_repeat", alarmId: "A-1", kind: "panic" }]);
    expect(due.alarm.repeats).toBe(1);
    expect(due.deadline).toBe(t0 + 2 * repeatMs);
  });

  it("sends ONE repeat for a deadline missed long ago (restart), then resumes the rhythm from now", () => {
    const late = stepAlarm(raised().alarm, { type: "repeat_due", now: t0 + 3_600_000 }, repeatMs);
    expect(late.effects).toHaveLength(1);
    expect(late.deadline).toBe(t0 + 3_600_000 + repeatMs);
  });

  it("stops repeating once acknowledged, and stays open until cancelled", () => {
    const acked = stepAlarm(raised().alarm, { type: "acknowledged", now: t0 + 4000 }, repeatMs);
    expect(acked.alarm).toMatchObject({
      phase: "acknowledged",
      acknowledgedAt: t0 + 4000,
      nextRepeatAt: null,
    });
    expect(acked.deadline).toBeNull();
    expect(stepAlarm(acked.alarm, { type: "repeat_due", now: t0 + 20_000 }, repeatMs).effects).toEqual([]);
    expect(isOpen(acked.alarm)).toBe(true);
  });

  it("sends cancelled on cancel, from raised or acknowledged, once", () => {
    for (const start of [
      raised().alarm,
      stepAlarm(raised().alarm, { type: "acknowledged", now: t0 + 1 }, repeatMs).alarm,
    ]) {
      const cancelled = stepAlarm(start, { type: "cancel", now: t0 + 5000 }, repeatMs);
      expect(cancelled.effects).toEqual([{ type: "send_cancelled", alarmId: "A-1", kind: "panic" }]);
      expect(cancelled.alarm).toMatchObject({
        phase: "cancelled",
        cancelledAt: t0 + 5000,
        nextRepeatAt: null,
      });
      expect(isOpen(cancelled.alarm)).toBe(false);
      const again = stepAlarm(cancelled.alarm, { type: "cancel", now: t0 + 6000 }, repeatMs);
      expect(again.effects).toEqual([]);
      expect(again.alarm).toBe(cancelled.alarm);
    }
  });

  it("ignores an ack after cancel", () => {
    const cancelled = stepAlarm(raised().alarm, { type: "cancel", now: t0 + 1 }, repeatMs).alarm;
    expect(stepAlarm(cancelled, { type: "acknowledged", now: t0 + 2 }, repeatMs).alarm).toBe(cancelled);
  });
});
