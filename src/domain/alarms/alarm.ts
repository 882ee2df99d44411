/**
 * A raised alarm (panic, or a lone-worker timer that ran out), as a pure state machine (issue 4,
 * "Alarms"): the caller passes events and `now`, and gets back the next state, the effects to perform
 * and the next deadline. Nothing here reads a clock or does I/O.
 *
 * On the wire (PROTOCOL.md A, `alarm` on `events`, QoS 1), an alarm is a series of events sharing one
 * `alarmId`, which is how any receiver, whatever its firmware or console, must read it:
 *   1. `state: "raised"` with the position at once;
 *   2. then the same `alarmId`, `state: "raised"` again with a newer `lat`/`lon`, every repeat interval
 *      (10 s by default). A receiver treats each one as "this alarm is still on, the doctor is here
 *      now": it updates the position of the alarm it already has, it does NOT open a new alarm;
 *   3. the repeats stop once dispatch acknowledges ANY event of the alarm (an `ack` whose `ref` is the
 *      envelope id of the first event or of a repeat): dispatch has it, and knows where;
 *   4. `state: "cancelled"` with the same `alarmId` when the doctor cancels it with the PIN, before or
 *      after the acknowledgement (a false alarm, or "it is over, I am safe").
 *
 * Phases: raised (repeating) → acknowledged (quiet, still shown) → cancelled (ended).
 */

export type AlarmKind = "panic" | "lone_worker";
export type AlarmPhase = "raised" | "acknowledged" | "cancelled";

export interface Alarm {
  readonly alarmId: string;
  readonly kind: AlarmKind;
  readonly phase: AlarmPhase;
  /** Wall-clock epoch ms. */
  readonly raisedAt: number;
  /** When the next position repeat is due; null once acknowledged or cancelled. */
  readonly nextRepeatAt: number | null;
  /** How many position repeats went out after the first event. */
  readonly repeats: number;
  readonly acknowledgedAt: number | null;
  readonly cancelledAt: number | null;
}

/** What the caller must do; the `send_*` effects become `alarm` events through the outbox. */
export type AlarmEffect =
  | { readonly type: "send_raised"; readonly alarmId: string; readonly kind: AlarmKind }
  | { readonly type: "send_position_repeat"; readonly alarmId: string; readonly kind: AlarmKind }
  | { readonly type: "send_cancelled"; readonly alarmId: string; readonly kind: AlarmKind };

export type AlarmEvent =
  /** The repeat deadline passed (and dispatch has not acknowledged). */
  | { readonly type: "repeat_due"; readonly now: number }
  /** Dispatch acknowledged one of the alarm's events. */
  | { readonly type: "acknowledged"; readonly now: number }
  /** The doctor cancelled it (the PIN was checked by the caller). */
  | { readonly type: "cancel"; readonly now: number };

export interface AlarmStep {
  readonly alarm: Alarm;
  readonly effects: readonly AlarmEffect[];
  /** The next time `repeat_due` must be fed, or null. */
  readonly deadline: number | null;
}

export interface RaiseAlarm {
  /** Minted by the caller (the domain has no randomness). */
  readonly alarmId: string;
  readonly kind: AlarmKind;
  readonly now: number;
  readonly repeatMs: number;
}

export function raiseAlarm({ alarmId, kind, now, repeatMs }: RaiseAlarm): AlarmStep {
  const alarm: Alarm = {
    alarmId,
    kind,
    phase: "raised",
    raisedAt: now,
    nextRepeatAt: now + repeatMs,
    repeats: 0,
    acknowledgedAt: null,
    cancelledAt: null,
  };
  return { alarm, effects: [{ type: "send_raised", alarmId, kind }], deadline: alarm.nextRepeatAt };
}

/** True while the alarm still shows on the screen (it is not over until the doctor cancels it). */
export function isOpen(alarm: Alarm): boolean {
  return alarm.phase !== "cancelled";
}

export function stepAlarm(alarm: Alarm, event: AlarmEvent, repeatMs: number): AlarmStep {
  const unchanged: AlarmStep = { alarm, effects: [], deadline: alarm.nextRepeatAt };
  const { alarmId, kind } = alarm;
  switch (event.type) {
    case "repeat_due": {
      if (alarm.phase !== "raised" || alarm.nextRepeatAt === null || event.now < alarm.nextRepeatAt)
        return unchanged;
      // From `now`, not from the missed deadline: after a restart or a stalled loop, one repeat goes
      // out at once, then the rhythm resumes; a burst of catch-up repeats would say nothing more.
      const next: Alarm = { ...alarm, nextRepeatAt: event.now + repeatMs, repeats: alarm.repeats + 1 };
      return {
        alarm: next,
        effects: [{ type: "send_position_repeat", alarmId, kind }],
        deadline: next.nextRepeatAt,
      };
    }
    case "acknowledged": {
      if (alarm.phase !== "raised") return unchanged;
      const next: Alarm = { ...alarm, phase: "acknowledged", nextRepeatAt: null, acknowledgedAt: event.now };
      return { alarm: next, effects: [], deadline: null };
    }
    case "cancel": {
      if (alarm.phase === "cancelled") return unchanged;
      const next: Alarm = { ...alarm, phase: "cancelled", nextRepeatAt: null, cancelledAt: event.now };
      return { alarm: next, effects: [{ type: "send_cancelled", alarmId, kind }], deadline: null };
    }
  }
}
