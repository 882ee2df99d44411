/**
 * Acceptance of issue 10's screens, end to end: Debian's Chromium (Playwright) on the doctor's
 * screen, served by the real terminal core, with a real mosquitto, the emulated equipment on a pty,
 * and a scripted dispatch. The car is parked (no GNSS), and the screen locks after 2 s without a
 * touch — below the config's 15 s floor, set by the rig for the test's sake.
 *
 * One doctor signs in (a wrong PIN first), answers the shift-start checklist, lets the screen lock,
 * raises a panic from the lock screen, sees a new mission's priority and nothing else, unlocks,
 * and signs out with the summary. A second doctor then meets the PIN lockout on the lock screen.
 * Screenshots of sign-in, lock and summary go to test-artifacts/screenshots (three of them to
 * docs/screenshots with SOSM_DOCS_SCREENSHOTS=1).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  axeViolations,
  carViewport,
  launchChromium,
  screenshot,
  setLang,
  setTheme,
} from "../support/kiosk-browser.ts";
import { ScriptedDispatch } from "../support/kiosk-dispatch.ts";
import { KioskRig, rigDoctor } from "../support/kiosk-rig.ts";
import { assignBody } from "../support/mission-dispatch.ts";

const secondDoctor = { rpps: "19999900020", name: "Dr Paul Exemple", pin: "7351" };
const missionId = "BDX-2026-0100";
const patientTexts = ["Jeanne Dupont-Lafitte", "Sainte-Catherine", "0612345678", "Fièvre"];
let rig: KioskRig;
let dispatch: ScriptedDispatch;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  [rig, browser] = await Promise.all([
    KioskRig.start({ gnss: false, signIn: false, lockAfterSeconds: 2 }),
    launchChromium(),
  ]);
  await rig.core.shifts.doctors.enrolPin(secondDoctor.rpps, secondDoctor.pin);
  dispatch = await ScriptedDispatch.connect({ url: rig.broker.url });
  page = await (await browser.newContext({ viewport: carViewport })).newPage();
  // Generous: on a loaded 2-core CI box a delivery state can take seconds to come back.
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(rig.uiAddress);
  await page.getByTestId("sign-in").waitFor({ timeout: 20_000 });
  await page.locator("[data-testid=header-equipment][data-state=ready]").waitFor({ timeout: 20_000 });
  await setTheme(page, "day");
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dispatch?.close();
  await rig?.close();
});

async function typePin(pin: string): Promise<void> {
  for (const digit of pin) await page.getByTestId(`pin-${digit}`).click();
}

async function bodyText(): Promise<string> {
  return (await page.locator("body").textContent()) ?? "";
}

describe("the shift screens on a real core", () => {
  it("signs a doctor in from the roster: a wrong PIN says the tries left, the right one opens the shift", async () => {
    await page.getByTestId(`doctor-${rigDoctor.rpps}`).waitFor();
    await screenshot(page, "shift-sign-in-fr-day", true);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId(`doctor-${rigDoctor.rpps}`).click();
    await typePin("1111");
    await page.getByTestId("sign-in-submit").click();
    await page
      .getByTestId("pin-error")
      .filter({ hasText: "PIN incorrect : 4 essai(s) restant(s)" })
      .waitFor();
    await typePin(rigDoctor.pin);
    await page.getByTestId("sign-in-submit").click();
    await page.getByTestId("shift-checklist").waitFor();
    const started = await dispatch.waitFor(
      (m) => m.type === "shift" && m.body.state === "started",
      "shift started at dispatch",
    );
    expect(started.body.doctor).toEqual({ rpps: rigDoctor.rpps, name: rigDoctor.name });
  });

  it("answers the shift-start checklist, a failed item with its note, and shows the gate", async () => {
    // Quick taps: the screen locks after 2 s without one.
    await page.getByTestId("fail-ecg-pads").click();
    await page.getByTestId("note-ecg-pads").fill("électrodes pédiatriques absentes");
    await page.getByTestId("checklist-submit").click();
    const gate = page.getByTestId("shift-gate");
    await gate.waitFor();
    await expect(gate.getAttribute("data-allowed")).resolves.toBe("true");
    await expect(gate.textContent()).resolves.toContain("Disponible possible, avec ces réserves");
    await dispatch.waitFor(
      (m) => m.type === "check" && m.body.checkId === "ecg-pads" && m.body.result === "fail",
      "the failed item at dispatch",
    );
  });

  it("locks the screen after 2 s without a touch while the car is stopped", async () => {
    await page.getByTestId("lock-screen").waitFor();
    await expect(page.getByTestId("lock-doctor").textContent()).resolves.toBe(rigDoctor.name);
    await expect(page.getByTestId("lock-clock").textContent()).resolves.toMatch(/^\d\d:\d\d$/);
    await screenshot(page, "shift-lock-fr-day");
    expect(await axeViolations(page)).toEqual([]);
    await setTheme(page, "night");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "shift-lock-fr-night");
    await setTheme(page, "day");
  });

  it("shows a new mission's priority on the lock screen, and no patient data", async () => {
    await dispatch.send("mission.assign", assignBody(missionId));
    const alert = page.getByTestId("lock-mission-alert");
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toBe("Nouvelle mission P1 — déverrouillez");
    const text = await bodyText();
    for (const patient of patientTexts) expect(text).not.toContain(patient);
    await screenshot(page, "shift-lock-mission-fr-day", true);
  });

  it("raises the panic from the lock screen: dispatch receives the alarm", async () => {
    const panic = page.getByTestId("panic");
    const box = await panic.boundingBox();
    if (box === null) throw new Error("the panic button is not on screen");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    const raised = await dispatch.waitFor(
      (m) => m.type === "alarm" && m.body.kind === "panic" && m.body.state === "raised",
      "the panic alarm at dispatch",
    );
    await page.mouse.up();
    await page.locator("[data-testid=alarm][data-phase=acknowledged]").waitFor();
    await page.getByTestId("lock-screen").waitFor();
    await page.getByTestId("alarm-cancel").click();
    await page.getByTestId("alarm-cancel-confirm").click();
    await dispatch.waitFor(
      (m) => m.type === "alarm" && m.body.alarmId === raised.body.alarmId && m.body.state === "cancelled",
      "the cancellation at dispatch",
    );
    await page.getByTestId("alarm-banner").waitFor({ state: "detached" });
  });

  it("unlocks with the doctor's PIN, and the mission shows in full", async () => {
    await page.getByTestId("lock-screen").waitFor();
    await typePin(rigDoctor.pin);
    await page.getByTestId("unlock-submit").click();
    const card = page.getByTestId("mission-card");
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain("12 rue Sainte-Catherine");
    // The pad follows the shift's gate: a failed checklist item only warns (policy "warn").
    await page.getByTestId("status-available").click();
    await dispatch.waitFor(
      (m) => m.type === "status" && m.body.key === "available" && m.body.doctor !== undefined,
      "the status, with the doctor, at dispatch",
    );
  });

  it("signs out with the shift summary, which dispatch receives", async () => {
    await dispatch.send("mission.cancel", { missionId, reason: "Patient transporté par les pompiers" });
    // The screen may have locked meanwhile: unlock first, then sign out from the shift tab.
    await page.getByTestId("lock-screen").or(page.getByTestId("tab-shift")).first().waitFor();
    if (await page.getByTestId("lock-screen").isVisible()) {
      await typePin(rigDoctor.pin);
      await page.getByTestId("unlock-submit").click();
    }
    await page.getByTestId("tab-shift").click();
    await page.getByTestId("shift-sign-out").click();
    await page.getByTestId("shift-sign-out-confirm").click();
    const summary = page.getByTestId("shift-summary");
    await summary.waitFor();
    await expect(page.getByTestId("summary-missions").textContent()).resolves.toContain(`P1 · ${missionId}`);
    await expect(page.getByTestId("summary-alarms").textContent()).resolves.toContain("panic");
    await expect(page.getByTestId("summary-statuses").textContent()).resolves.toContain("Disponible");
    const ended = await dispatch.waitFor(
      (m) => m.type === "shift" && m.body.state === "ended",
      "shift ended at dispatch",
    );
    expect(ended.body.doctor).toEqual({ rpps: rigDoctor.rpps, name: rigDoctor.name });
    expect(ended.body.summary).toBeDefined();
    for (const patient of patientTexts) expect(await bodyText()).not.toContain(patient);
    await screenshot(page, "shift-summary-fr-day", true);
    await setLang(page, "en");
    await summary.filter({ hasText: "End of shift — summary" }).waitFor();
    await screenshot(page, "shift-summary-en-day");
    await setLang(page, "fr");
    await page.getByTestId("summary-done").click();
    await page.getByTestId("sign-in").waitFor();
  });

  it("locks the PIN out after 5 wrong tries on the lock screen, and says until when", async () => {
    await page.getByTestId(`doctor-${secondDoctor.rpps}`).click();
    await typePin(secondDoctor.pin);
    await page.getByTestId("sign-in-submit").click();
    await page.getByTestId("shift-checklist").waitFor();
    await page.getByTestId("lock-screen").waitFor();
    for (let attempt = 1; attempt <= 5; attempt++) {
      await typePin("0000");
      await page.getByTestId("unlock-submit").click();
      const expected = attempt < 5 ? `PIN incorrect : ${5 - attempt} essai(s) restant(s)` : "jusqu'à";
      await page.getByTestId("pin-error").filter({ hasText: expected }).waitFor();
    }
    await expect(page.getByTestId("pin-error").textContent()).resolves.toMatch(
      /^Trop d'essais : verrouillé jusqu'à \d\d:\d\d$/,
    );
    // The right PIN now waits for the end of the lockout too.
    await typePin(secondDoctor.pin);
    await page.getByTestId("unlock-submit").click();
    await page.getByTestId("pin-error").filter({ hasText: "jusqu'à" }).waitFor();
    await page.getByTestId("lock-screen").waitFor();
    await screenshot(page, "shift-lockout-fr-day");
    expect(pageErrors).toEqual([]);
  });
});
