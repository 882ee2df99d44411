/**
 * Issue 4 acceptance, "the timers (re-armed from their stored deadlines)": the alarms on a real
 * SQLite file are closed mid-way (as a kill -9 leaves them: no clean-up runs) and reopened by a new
 * service. The stored deadlines re-arm; a deadline that passed while the car was off fires at once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AlarmCar } from "../../integration/alarms/alarm-car.ts";

const t0 = Date.parse("2026-11-23T21:00:00.000Z");
const s = 1000;
const min = 60 * s;

let dir: string;
let car: AlarmCar;

function boot(): AlarmCar {
  car = new AlarmCar({ path: join(dir, "core.sqlite") });
  car.feature.start();
  return car;
}

/** What a power cut leaves: the file as committed, and no timer of the old process. */
function powerCut(offForMs: number): void {
  const cutAt = Date.now();
  // clearAllTimers also resets the fake clock to its start: set it again.
  vi.clearAllTimers();
  car.db.close();
  vi.setSystemTime(cutAt + offForMs);
}

beforeEach(() => {
  vi.useFakeTimers({ now: t0 });
  dir = mkdtempSync(join(tmpdir(), "sosm-alarms-restart-"));
});

afterEach(() => {
  if (car.db.open) car.close();
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe("alarms across a restart", () => {
  it("re-arms the repeat and the lone-worker deadline, and fires a passed repeat at once", () => {
    boot();
    car.fixAt(0);
    car.service.onStatusChange("on_scene", Date.now());
    const panic = car.service.panic();
    vi.advanceTimersByTime(5 * s);
    powerCut(20 * s);

    boot();
    // The repeat was due at t0 + 10 s: it went out during start(), with the position at restart.
    const sent = car.pendingAlarms();
    expect(sent.map((a) => [a.body.alarmId, a.body.state])).toEqual([
      [panic.alarmId, "raised"],
      [panic.alarmId, "raised"],
    ]);
    expect(car.service.active().alarms[0]).toMatchObject({ repeats: 1, nextRepeatAt: t0 + 35 * s });
    vi.advanceTimersByTime(10 * s);
    expect(car.pendingAlarms()).toHaveLength(3);
    // The lone-worker deadline is the stored one, not a new 30 min from the restart.
    expect(car.service.active().loneWorker).toMatchObject({ phase: "running", dueAt: t0 + 30 * min });
    vi.advanceTimersByTime(t0 + 30 * min - Date.now());
    expect(car.service.active().loneWorker.phase).toBe("pre_alarm");
  });

  it("raises the lone-worker alarm at once when the countdown ended while the car was off", () => {
    boot();
    car.fixAt(0);
    car.service.onStatusChange("on_scene", Date.now());
    vi.advanceTimersByTime(30 * min + 10 * s);
    expect(car.service.active().loneWorker).toMatchObject({
      phase: "pre_alarm",
      countdownEndsAt: t0 + 31 * min,
    });
    powerCut(5 * min);

    boot();
    expect(car.pendingAlarms().map((a) => [a.body.kind, a.body.state])).toEqual([["lone_worker", "raised"]]);
    expect(car.service.active()).toMatchObject({
      alarms: [{ kind: "lone_worker", phase: "raised" }],
      loneWorker: { phase: "alarmed" },
    });
  });

  it("gives the doctor the full countdown when the timer ran out while the car was off", () => {
    boot();
    car.service.onStatusChange("on_scene", Date.now());
    powerCut(2 * 60 * min);

    boot();
    const restartedAt = Date.now();
    expect(car.service.active().loneWorker).toMatchObject({
      phase: "pre_alarm",
      countdownEndsAt: restartedAt + 60 * s,
    });
    expect(car.pendingAlarms()).toEqual([]);
  });

  it("keeps an acknowledged alarm quiet, and a cancelled one gone", async () => {
    boot();
    const acked = car.service.panic();
    car.ack(car.pendingAlarms()[0]?.id ?? "");
    vi.advanceTimersByTime(10 * s);
    powerCut(60 * s);

    boot();
    expect(car.service.active().alarms).toEqual([
      expect.objectContaining({ alarmId: acked.alarmId, phase: "acknowledged", nextRepeatAt: null }),
    ]);
    await car.service.cancel(acked.alarmId);
    powerCut(60 * s);

    boot();
    expect(car.service.active().alarms).toEqual([]);
  });
});
