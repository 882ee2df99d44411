/**
 * The screen lock's rules (issue 10), with fake timers: inactivity while stopped locks, driving
 * never does, a new sign-in opens the screen, a core that boots with an open shift starts locked,
 * and what may run while locked or signed out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commandAdmitted, ScreenLock } from "../../../src/server/screen-lock.ts";

let shiftId: string | null;
let moving: boolean;
let changes: number;

function lock(): ScreenLock {
  return new ScreenLock({
    clock: { now: () => Date.now(), monotonic: () => Date.now() },
    lockAfterMs: 120_000,
    shiftId: () => shiftId,
    moving: () => moving,
    onChange: () => changes++,
    checkEveryMs: 1000,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-23T02:00:00Z"));
  shiftId = null;
  moving = false;
  changes = 0;
});
afterEach(() => vi.useRealTimers());

describe("the screen lock", () => {
  it("locks after the inactivity delay while the car is stopped, and a touch restarts the count", () => {
    const screen = lock();
    screen.start();
    shiftId = "S1";
    expect(screen.mode()).toBe("open");
    vi.advanceTimersByTime(100_000);
    screen.activity();
    vi.advanceTimersByTime(100_000);
    expect(screen.mode()).toBe("open");
    vi.advanceTimersByTime(21_000);
    expect(screen.mode()).toBe("locked");
    expect(changes).toBeGreaterThanOrEqual(2);
    screen.stop();
  });

  it("never locks while the car moves; the count starts when it stops", () => {
    const screen = lock();
    shiftId = "S1";
    screen.start();
    screen.unlock();
    moving = true;
    vi.advanceTimersByTime(600_000);
    expect(screen.mode()).toBe("open");
    moving = false;
    vi.advanceTimersByTime(110_000);
    expect(screen.mode()).toBe("open");
    vi.advanceTimersByTime(11_000);
    expect(screen.mode()).toBe("locked");
    screen.stop();
  });

  it("starts locked when the core boots with a shift open; a new sign-in opens it; sign-out ends the lock", () => {
    shiftId = "S1";
    const screen = lock();
    screen.start();
    expect(screen.mode()).toBe("locked");
    shiftId = null;
    expect(screen.mode()).toBe("signed_out");
    shiftId = "S2";
    expect(screen.mode()).toBe("open");
    screen.stop();
  });

  it("admits only the unlock, the activity ping and the alarms while locked", () => {
    expect(commandAdmitted("locked", "alarm.panic")).toBe(true);
    expect(commandAdmitted("locked", "alarm.cancel")).toBe(true);
    expect(commandAdmitted("locked", "shift.unlock")).toBe(true);
    expect(commandAdmitted("locked", "mission.accept")).toBe(false);
    expect(commandAdmitted("locked", "status.set")).toBe(false);
    expect(commandAdmitted("locked", "checks.sign")).toBe(false);
    expect(commandAdmitted("signed_out", "shift.signIn")).toBe(true);
    expect(commandAdmitted("signed_out", "checks.sign")).toBe(true);
    expect(commandAdmitted("signed_out", "mission.accept")).toBe(false);
    expect(commandAdmitted("open", "shift.signIn")).toBe(false);
    expect(commandAdmitted("open", "status.set")).toBe(true);
  });
});
