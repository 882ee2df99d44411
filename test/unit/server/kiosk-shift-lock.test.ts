/**
 * The screen lock and the shift commands on the real terminal core (issue 10): real mosquitto, real
 * SQLite file, the kiosk API over HTTP. What a locked screen receives is checked on the serialized
 * JSON itself — a page cannot show what it never got.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type UiOutcome, type UiState, uiStateSchema } from "../../../src/contracts/ui-api.ts";
import { ScriptedDispatch } from "../../support/kiosk-dispatch.ts";
import { rawRequest } from "../../support/kiosk-http.ts";
import { KioskRig, rigDoctor } from "../../support/kiosk-rig.ts";
import { assignBody } from "../../support/mission-dispatch.ts";
import { waitUntil } from "../../support/socat.ts";

let rig: KioskRig;
let dispatch: ScriptedDispatch;
let port: number;
const missionId = "M-LOCK-1";
const patientStrings = [
  "Jeanne Dupont-Lafitte",
  "Sainte-Catherine",
  "0612345678",
  "4711B",
  "chien méchant",
  "Fièvre",
];
const messageText = "Mme Dupont-Lafitte rappelle, elle attend au 3e étage";

beforeAll(async () => {
  rig = await KioskRig.start({ equipment: false, gnss: false });
  dispatch = await ScriptedDispatch.connect({ url: rig.broker.url });
  port = Number(new URL(rig.url).port);
  await waitUntil(() => rig.core.dispatch.link.isConnected(), "the car's link");
});

afterAll(async () => {
  await dispatch?.close();
  await rig?.close();
});

async function post(body: unknown): Promise<UiOutcome> {
  const response = await rawRequest({
    port,
    path: "/api/command",
    method: "POST",
    headers: { authorization: `Bearer ${rig.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return JSON.parse(response.body) as UiOutcome;
}

async function rawState(): Promise<string> {
  const response = await rawRequest({
    port,
    path: "/api/state",
    headers: { authorization: `Bearer ${rig.token}` },
  });
  return response.body;
}

async function state(): Promise<UiState> {
  return uiStateSchema.parse(JSON.parse(await rawState()));
}

/** Polls the HTTP state (waitUntil takes a synchronous condition). */
async function waitForState(check: (state: UiState) => boolean, what: string): Promise<UiState> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const current = await state();
    if (check(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the screen lock and the shift on a real core", () => {
  it("shows the doctor on shift, the checklist done and the gate open, and the mission in full", async () => {
    await dispatch.send("mission.assign", assignBody(missionId));
    await dispatch.send("message", { text: messageText });
    const open = await waitForState(
      (s) => s.missions.pending.length === 1 && s.messages.items.length === 1,
      "the mission and the message on the screen",
    );
    expect(open.shift).toMatchObject({
      locked: false,
      doctor: { rpps: rigDoctor.rpps, name: rigDoctor.name },
      checklist: { state: "done", by: rigDoctor.name },
      gate: { allowed: true },
      roster: [],
      missionAlert: null,
    });
    const json = await rawState();
    for (const text of [...patientStrings, messageText]) expect(json).toContain(text);
  });

  it("sends no patient data once locked: only the doctor, the header, alarms and the new-mission priority", async () => {
    expect(await post({ type: "shift.lock" })).toEqual({ ok: true });
    const json = await rawState();
    for (const text of [...patientStrings, messageText, missionId]) expect(json).not.toContain(text);
    const locked = uiStateSchema.parse(JSON.parse(json));
    expect(locked.shift).toMatchObject({
      locked: true,
      doctor: { name: rigDoctor.name },
      missionAlert: { priority: "P1" },
    });
    expect(locked.missions).toEqual({ active: null, pending: [], closing: [], ended: [] });
    expect(locked.messages.items).toEqual([]);
    expect(locked.gnss.fix).toBeNull();
    expect(locked.statusOptions).toEqual([]);
  });

  it("refuses every mission, status and message command while locked, and changes nothing", async () => {
    for (const command of [
      { type: "mission.accept", missionId },
      { type: "mission.displayed", missionId },
      { type: "status.set", key: "available" },
      { type: "message.send", text: "ok" },
      { type: "messages.read" },
      { type: "shift.signOut" },
      { type: "shift.checklist", results: [] },
    ]) {
      const outcome = await post(command);
      expect(outcome, command.type).toMatchObject({ ok: false, error: { code: "screen_locked" } });
      if (!outcome.ok) expect(outcome.error.text.fr).toContain("Écran verrouillé");
    }
    expect(rig.core.missions.desk.pending().map((m) => m.id)).toEqual([missionId]);
    expect(rig.core.missions.status.history(10).filter((s) => s.key === "available")).toEqual([]);
    expect(rig.core.shifts.service.current()).not.toBeNull();
  });

  it("keeps the panic working while locked: dispatch receives the alarm", async () => {
    expect(await post({ type: "alarm.panic" })).toEqual({ ok: true });
    const alarm = await dispatch.waitFor(
      (m) => m.type === "alarm" && m.body.kind === "panic",
      "the panic alarm at dispatch",
    );
    const locked = await waitForState(
      (s) => (s.alarms?.alarms.length ?? 0) > 0,
      "the alarm on the locked screen",
    );
    expect(locked.shift?.locked).toBe(true);
    const alarmId = locked.alarms?.alarms[0]?.alarmId ?? "";
    expect(alarm.body.alarmId ?? alarmId).toBeTruthy();
    expect(await post({ type: "alarm.cancel", alarmId })).toEqual({ ok: true });
  });

  it("unlocks with the doctor's PIN only; a wrong one says how many tries are left", async () => {
    const wrong = await post({ type: "shift.unlock", pin: "0000" });
    expect(wrong).toMatchObject({ ok: false, error: { code: "pin_incorrect", attemptsLeft: 4 } });
    expect((await state()).shift?.locked).toBe(true);
    expect(await post({ type: "shift.unlock", pin: rigDoctor.pin })).toEqual({ ok: true });
    const open = await state();
    expect(open.shift?.locked).toBe(false);
    expect(open.missions.pending.map((m) => m.id)).toEqual([missionId]);
    expect(await rawState()).toContain("Jeanne Dupont-Lafitte");
  });

  it("signs out with the summary, which dispatch receives, and hides missions until the next sign-in", async () => {
    expect(await post({ type: "mission.decline", missionId, reason: "trop loin" })).toMatchObject({
      ok: true,
    });
    expect(await post({ type: "shift.signOut" })).toEqual({ ok: true });
    await dispatch.waitFor((m) => m.type === "shift" && m.body.state === "ended", "shift ended at dispatch");
    const out = await state();
    expect(out.shift).toMatchObject({ locked: false, doctor: null, gate: null });
    expect(out.shift?.roster.map((d) => d.rpps)).toContain(rigDoctor.rpps);
    expect(out.shift?.lastSummary).toMatchObject({ doctor: { rpps: rigDoctor.rpps } });
    expect(out.shift?.lastSummary?.missions.map((m) => m.missionId)).toEqual([missionId]);
    expect(out.missions.ended).toEqual([]);
    const json = await rawState();
    for (const text of patientStrings) expect(json).not.toContain(text);
    expect(await post({ type: "status.set", key: "available" })).toMatchObject({
      ok: false,
      error: { code: "not_signed_in" },
    });
  });

  it("signs in from the screen: a wrong PIN counts, the right one opens a shift with its checklist", async () => {
    const wrong = await post({ type: "shift.signIn", rpps: rigDoctor.rpps, pin: "1111" });
    expect(wrong).toMatchObject({ ok: false, error: { code: "pin_incorrect" } });
    expect(await post({ type: "shift.signIn", rpps: rigDoctor.rpps, pin: rigDoctor.pin })).toEqual({
      ok: true,
    });
    const signedIn = await state();
    expect(signedIn.shift).toMatchObject({ locked: false, doctor: { rpps: rigDoctor.rpps } });
    // The rig's sign-in was today, but the checklist belongs to the shift: this one asks again.
    expect(signedIn.shift?.checklist?.state).toBe("pending");
    const items = signedIn.shift?.checklist?.items ?? [];
    expect(items.length).toBeGreaterThan(0);
    const results = items.map((item, index) =>
      index === 0
        ? { checkId: item.id, result: "fail" as const, notes: "électrodes périmées" }
        : { checkId: item.id, result: "pass" as const },
    );
    const done = await post({ type: "shift.checklist", results });
    expect(done.ok).toBe(true);
    const after = await state();
    expect(after.shift?.checklist).toMatchObject({ state: "done", failed: [items[0]?.id] });
    // Policy "warn" (the default): a failed item warns, and `available` stays allowed.
    expect(after.shift?.gate?.allowed).toBe(true);
    expect(after.shift?.gate?.warnings.length).toBeGreaterThan(0);
    expect(after.statusOptions.find((o) => o.key === "available")?.allowed).toBe(true);
  });

  it("locks the PIN out after 5 wrong unlocks, and says until when", async () => {
    expect(await post({ type: "shift.lock" })).toEqual({ ok: true });
    let last: UiOutcome = { ok: true };
    for (let i = 0; i < 5; i++) last = await post({ type: "shift.unlock", pin: "9999" });
    expect(last).toMatchObject({ ok: false, error: { code: "locked" } });
    if (!last.ok) {
      expect(last.error.lockedUntil).toBeGreaterThan(Date.now() + 14 * 60_000);
      expect(last.error.text.fr).toMatch(/verrouillé jusqu'à \d\d:\d\d/);
    }
    // Even the right PIN waits for the end of the lockout.
    expect(await post({ type: "shift.unlock", pin: rigDoctor.pin })).toMatchObject({
      ok: false,
      error: { code: "locked" },
    });
    expect((await state()).shift?.locked).toBe(true);
  });
});
