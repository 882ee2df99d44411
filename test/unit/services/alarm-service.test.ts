/**
 * The alarm service with vitest fake timers, over the real SQLite outbox, command inbox and track on
 * a file: panic repeats until dispatch's ack, PIN cancel, and the lone-worker timer, countdown and
 * alarm.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AlarmOverview } from "../../../src/services/alarm-views.ts";
import { encodePinHash } from "../../../src/services/pin-verifier.ts";
import { ScryptPinHasher } from "../../../src/store/scrypt-pin-hasher.ts";
import { AlarmCar } from "../../integration/alarms/alarm-car.ts";

const t0 = Date.parse("2026-11-23T21:00:00.000Z");
const s = 1000;
const min = 60 * s;

let dir: string;
let car: AlarmCar;
let pinHash: string;

function build(alarms?: ConstructorParameters<typeof AlarmCar>[0]["alarms"]): AlarmCar {
  car = new AlarmCar({ path: join(dir, "core.sqlite"), alarms });
  car.feature.start();
  return car;
}

beforeEach(async () => {
  // A cheap cost for the test's PIN only; the parameters travel with the hash.
  pinHash ??= encodePinHash(await new ScryptPinHasher({ N: 1024 }).hash("2468"));
  vi.useFakeTimers({ now: t0 });
  dir = mkdtempSync(join(tmpdir(), "sosm-alarms-"));
});

afterEach(() => {
  car?.close();
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe("panic", () => {
  it("sends the alarm with the position at once, then the new position every 10 s", () => {
    build();
    const first = car.fixAt(0);
    const alarm = car.service.panic();
    expect(car.pendingAlarms().map((a) => a.body)).toEqual([
      { alarmId: alarm.alarmId, kind: "panic", state: "raised", ...first },
    ]);
    expect(alarm).toMatchObject({ kind: "panic", phase: "raised", delivery: "queued" });

    const positions = [first];
    for (let k = 1; k <= 3; k++) {
      positions.push(car.fixAt(k));
      vi.advanceTimersByTime(10 * s);
    }
    const sent = car.pendingAlarms();
    expect(sent.map((a) => a.body)).toEqual(
      positions.map((position) => ({ alarmId: alarm.alarmId, kind: "panic", state: "raised", ...position })),
    );
    expect(car.service.active().alarms[0]?.repeats).toBe(3);
  });

  it("stops repeating once dispatch acknowledges any of its events", () => {
    build();
    car.fixAt(0);
    const alarm = car.service.panic();
    vi.advanceTimersByTime(20 * s);
    const second = car.pendingAlarms()[1];
    expect(second).toBeDefined();
    car.ack(second?.id ?? "");
    // The acknowledged event leaves the outbox (dispatch has it); the first and a third remain.
    const waiting = car.pendingAlarms().map((a) => a.id);
    expect(waiting).toHaveLength(2);
    vi.advanceTimersByTime(10 * 60 * s);
    expect(car.pendingAlarms().map((a) => a.id)).toEqual(waiting);
    expect(car.service.active().alarms).toEqual([
      expect.objectContaining({
        alarmId: alarm.alarmId,
        phase: "acknowledged",
        delivery: "received",
        repeats: 2,
      }),
    ]);
  });

  it("is one alarm when pressed twice, and a status `emergency` raises it too", () => {
    build();
    const alarm = car.service.panic();
    car.service.onStatusChange("emergency", Date.now());
    expect(car.service.panic().alarmId).toBe(alarm.alarmId);
    expect(car.pendingAlarms()).toHaveLength(1);
  });

  it("sends an alarm without position, saying so, when there is no fix", () => {
    build();
    car.service.panic();
    const [sent] = car.pendingAlarms();
    expect(sent?.body.lat).toBeUndefined();
    expect(sent?.body.note).toMatch(/Position inconnue/);
  });

  it("says when the last known position is old", () => {
    build();
    car.fixAt(0, t0 - 20 * min);
    car.service.panic();
    expect(car.pendingAlarms()[0]?.body.note).toMatch(/il y a 20 min/);
  });
});

describe("cancelling with the PIN", () => {
  it("refuses a wrong PIN, sends nothing and keeps repeating", async () => {
    build({ cancelPinHash: pinHash });
    const alarm = car.service.panic();
    const outcome = await car.service.cancel(alarm.alarmId, "1357");
    expect(outcome).toMatchObject({
      ok: false,
      code: "wrong_pin",
      fr: expect.stringMatching(/Code incorrect/),
    });
    expect(await car.service.cancel(alarm.alarmId)).toMatchObject({ ok: false, code: "wrong_pin" });
    expect(car.pendingAlarms().map((a) => a.body.state)).toEqual(["raised"]);
    vi.advanceTimersByTime(10 * s);
    expect(car.pendingAlarms().map((a) => a.body.state)).toEqual(["raised", "raised"]);
    expect(car.logs.some((log) => log.msg === "alarm cancel refused: wrong PIN")).toBe(true);
  });

  it("sends `cancelled` with the same alarm id on the right PIN, and the repeats stop", async () => {
    build({ cancelPinHash: pinHash });
    const alarm = car.service.panic();
    vi.advanceTimersByTime(10 * s);
    const outcome = await car.service.cancel(alarm.alarmId, "2468");
    expect(outcome).toMatchObject({ ok: true, alarm: { phase: "cancelled" } });
    vi.advanceTimersByTime(60 * s);
    expect(car.pendingAlarms().map((a) => [a.body.alarmId, a.body.state])).toEqual([
      [alarm.alarmId, "raised"],
      [alarm.alarmId, "raised"],
      [alarm.alarmId, "cancelled"],
    ]);
    expect(car.service.active().alarms).toEqual([]);
    expect(await car.service.cancel(alarm.alarmId, "2468")).toMatchObject({ code: "already_cancelled" });
    expect(await car.service.cancel("no-such-alarm", "2468")).toMatchObject({ code: "unknown_alarm" });
  });

  it("cancels without a PIN when none is configured, with a warning in the log", async () => {
    build();
    const alarm = car.service.panic();
    expect(await car.service.cancel(alarm.alarmId)).toMatchObject({ ok: true });
    expect(car.logs.some((log) => log.level === 40 && /without a PIN/.test(log.msg))).toBe(true);
    expect(car.pendingAlarms().map((a) => a.body.state)).toEqual(["raised", "cancelled"]);
  });
});

describe("lone worker", () => {
  function onScene(): void {
    car.fixAt(0);
    car.service.onStatusChange("on_scene", Date.now());
  }

  it("on_scene → 30 min → 60 s countdown → lone_worker alarm with position, repeated", () => {
    build();
    const seen: AlarmOverview[] = [];
    car.service.onChange((overview) => seen.push(overview));
    onScene();
    expect(car.service.active().loneWorker).toMatchObject({ phase: "running", dueAt: t0 + 30 * min });
    vi.advanceTimersByTime(30 * min - 1);
    expect(car.service.active().loneWorker.phase).toBe("running");
    vi.advanceTimersByTime(1);
    expect(seen.at(-1)?.loneWorker).toMatchObject({
      phase: "pre_alarm",
      countdownEndsAt: t0 + 31 * min,
      countdownRemainingMs: 60 * s,
    });
    expect(car.pendingAlarms()).toEqual([]);
    vi.advanceTimersByTime(60 * s - 1);
    expect(car.pendingAlarms()).toEqual([]);
    vi.advanceTimersByTime(1);
    const [alarm] = car.pendingAlarms();
    expect(alarm?.body).toMatchObject({ kind: "lone_worker", state: "raised", lat: 44.8378, lon: -0.5792 });
    expect(car.service.active().loneWorker.phase).toBe("alarmed");
    vi.advanceTimersByTime(10 * s);
    expect(car.pendingAlarms().map((a) => a.body.alarmId)).toEqual([
      alarm?.body.alarmId,
      alarm?.body.alarmId,
    ]);
  });

  it("« prolonger » pushes the deadline by 15 min", () => {
    build();
    onScene();
    vi.advanceTimersByTime(20 * min);
    expect(car.service.extendLoneWorker()).toMatchObject({ ok: true, loneWorker: { dueAt: t0 + 45 * min } });
    vi.advanceTimersByTime(25 * min - 1);
    expect(car.service.active().loneWorker.phase).toBe("running");
    vi.advanceTimersByTime(1);
    expect(car.service.active().loneWorker.phase).toBe("pre_alarm");
  });

  it("stops when the status leaves the scene", () => {
    build();
    onScene();
    vi.advanceTimersByTime(10 * min);
    car.service.onStatusChange("visit_done", Date.now());
    vi.advanceTimersByTime(3 * 60 * min);
    expect(car.service.active().loneWorker.phase).toBe("off");
    expect(car.pendingAlarms()).toEqual([]);
    expect(car.service.answerLoneWorker()).toMatchObject({ ok: false, code: "not_running" });
  });

  it("« tout va bien » during the countdown stops it and restarts the full period", () => {
    build();
    onScene();
    vi.advanceTimersByTime(30 * min + 30 * s);
    expect(car.service.active().loneWorker.phase).toBe("pre_alarm");
    expect(car.service.answerLoneWorker()).toMatchObject({ ok: true, loneWorker: { phase: "running" } });
    vi.advanceTimersByTime(29 * min);
    expect(car.pendingAlarms()).toEqual([]);
    expect(car.service.active().loneWorker).toMatchObject({
      phase: "running",
      dueAt: t0 + 60 * min + 30 * s,
    });
  });

  it("restarts the timer when its alarm is cancelled while still on scene", async () => {
    build();
    onScene();
    vi.advanceTimersByTime(31 * min);
    const alarm = car.service.active().alarms[0];
    expect(alarm?.kind).toBe("lone_worker");
    expect(car.service.answerLoneWorker()).toMatchObject({ ok: false, code: "alarm_raised" });
    await car.service.cancel(alarm?.alarmId ?? "");
    expect(car.service.active().loneWorker).toMatchObject({ phase: "running", dueAt: Date.now() + 30 * min });
  });
});
