/**
 * The lone-worker prompt on the doctor's screen (issue 4 alarms, issue 6 screen), end to end with
 * short timers: on scene, the timer runs out, the countdown prompt covers the screen; "Tout va bien"
 * answers it and nothing reaches dispatch; the next time nobody answers, and dispatch receives the
 * `lone_worker` alarm with the car's position.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { carViewport, launchChromium, screenshot } from "../support/kiosk-browser.ts";
import { ScriptedDispatch } from "../support/kiosk-dispatch.ts";
import { KioskRig } from "../support/kiosk-rig.ts";
import { assignBody } from "../support/mission-dispatch.ts";

let rig: KioskRig;
let dispatch: ScriptedDispatch;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [rig, browser] = await Promise.all([
    // 2 s on scene before the prompt, 6 s of countdown: time enough for a tap, short for a test.
    KioskRig.start({ equipment: false, alarmTimings: { loneWorkerMs: 2000, preAlarmMs: 6000 } }),
    launchChromium(),
  ]);
  dispatch = await ScriptedDispatch.connect({ url: rig.broker.url });
  page = await (await browser.newContext({ viewport: carViewport })).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(rig.uiAddress);
  await page.locator("[data-testid=header-gnss][data-state=fix]").waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dispatch?.close();
  await rig?.close();
});

describe("the lone-worker prompt", () => {
  it("asks on scene, is answered by one tap, and raises the alarm when nobody answers", async () => {
    const missionId = "M-LONE-1";
    await dispatch.send("mission.assign", assignBody(missionId));
    const { desk, status } = rig.core.missions;
    await waitFor(() => desk.get(missionId) !== null);
    expect(desk.displayed(missionId).ok).toBe(true);
    expect(desk.accept(missionId).ok).toBe(true);
    expect(status.setStatus("en_route").ok).toBe(true);
    expect(status.setStatus("on_scene").ok).toBe(true);

    // The timer runs out: the countdown prompt covers the screen. One tap answers it.
    const prompt = page.getByTestId("lone-worker-prompt");
    await prompt.waitFor();
    await screenshot(page, "lone-worker-prompt-fr-day");
    await page.getByTestId("lone-worker-ok").click();
    await prompt.waitFor({ state: "hidden" });
    expect(dispatch.of("alarm").filter((m) => m.body.kind === "lone_worker")).toEqual([]);

    // Still on scene, the timer starts again; this time nobody answers.
    await prompt.waitFor();
    const alarm = await dispatch.waitFor(
      (m) => m.type === "alarm" && m.body.kind === "lone_worker" && m.body.state === "raised",
      "the lone-worker alarm at dispatch",
      20_000,
    );
    expect(typeof alarm.body.lat).toBe("number");
    expect(typeof alarm.body.lon).toBe("number");
  }, 60_000);
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
