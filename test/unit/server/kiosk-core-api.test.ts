/**
 * The kiosk API on the real terminal core (real mosquitto, SQLite file): the handoff file the screen
 * reads, commands that reach dispatch, and commands refused — by the schema or by the rules — that
 * change nothing, neither in the core nor at dispatch.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KioskServerFeature } from "../../../src/app/kiosk-server-feature.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { loadVehicleProfile } from "../../../src/app/profile-loader.ts";
import { configSchema } from "../../../src/contracts/config.ts";
import { type UiState, uiStateSchema } from "../../../src/contracts/ui-api.ts";
import { systemClock } from "../../../src/services/ports.ts";
import { ScriptedDispatch } from "../../support/kiosk-dispatch.ts";
import { rawRequest, UiSocket } from "../../support/kiosk-http.ts";
import { KioskRig } from "../../support/kiosk-rig.ts";
import { waitUntil } from "../../support/socat.ts";

let rig: KioskRig;
let dispatch: ScriptedDispatch;
let port: number;

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

const post = (body: unknown) =>
  rawRequest({
    port,
    path: "/api/command",
    method: "POST",
    headers: { authorization: `Bearer ${rig.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function state(): Promise<UiState> {
  const response = await rawRequest({
    port,
    path: "/api/state",
    headers: { authorization: `Bearer ${rig.token}` },
  });
  return uiStateSchema.parse(JSON.parse(response.body));
}

describe("the kiosk API on a real core", () => {
  it("writes kiosk.json, readable by its owner only, naming this core's address, token and pid", () => {
    const path = join(rig.dataDir, "kiosk.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({
      url: rig.url,
      token: rig.token,
      pid: process.pid,
    });
    expect(rig.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(rig.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("serves a state the schema accepts, with every status and why it is refused now", async () => {
    const current = await state();
    expect(current.vehicle).toBe("BDX-07");
    expect(current.statusOptions.map((o) => o.key)).toHaveLength(10);
    const enRoute = current.statusOptions.find((o) => o.key === "en_route");
    expect(enRoute).toMatchObject({
      allowed: false,
      reason: { fr: expect.stringContaining("aucune mission acceptée") },
    });
    expect(current.alarms?.cancelNeedsPin).toBe(false);
    expect(current.checks?.checklists.map((c) => c.schedule)).toEqual(["shiftStart", "weekly", "monthly"]);
  });

  it("refuses a malformed command with the field at fault, and nothing changes anywhere", async () => {
    const before = rig.core.dispatch.outbox.pendingCount();
    const seen = dispatch.received.length;
    for (const bad of [
      { type: "status.set", key: "flying" },
      { type: "status.set", key: "available", urgent: true },
      { type: "report.submit", missionId: "M-1", outcome: "cured", summary: "" },
      { type: "self.destruct" },
    ]) {
      const response = await post(bad);
      expect(response.status, JSON.stringify(bad)).toBe(400);
      const outcome = JSON.parse(response.body);
      expect(outcome.ok).toBe(false);
      expect(outcome.error.code).toBe("invalid_command");
      expect(outcome.error.fields.length).toBeGreaterThan(0);
    }
    expect((await state()).status).toBeNull();
    expect(rig.core.missions.status.history(10)).toEqual([]);
    expect(rig.core.dispatch.outbox.pendingCount()).toBe(before);
    expect(dispatch.received.slice(seen).filter((m) => m.type !== "position")).toEqual([]);
  });

  it("refuses a command the rules forbid with the doctor's sentence, and sends nothing", async () => {
    const response = await post({ type: "status.set", key: "en_route" });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      ok: false,
      error: {
        code: "no_active_mission",
        text: {
          fr: "« En route » impossible : aucune mission acceptée",
          en: '"En route" is not possible: no accepted mission',
        },
      },
    });
    expect(rig.core.missions.status.history(10)).toEqual([]);
  });

  it("sends an allowed status to dispatch and pushes the new state to the screen, then its delivery", async () => {
    const screen = await UiSocket.open({ port, token: rig.token, origin: `http://127.0.0.1:${port}` });
    await waitUntil(() => screen.states().length > 0, "the first state");
    const outcome = await post({ type: "status.set", key: "available" });
    expect(JSON.parse(outcome.body)).toMatchObject({ ok: true });
    await dispatch.waitFor(
      (m) => m.type === "status" && m.body.key === "available",
      "the status at dispatch",
    );
    await waitUntil(
      () => screen.states().some((m) => m.kind === "state" && m.state.status?.delivery === "received"),
      "the screen to show dispatch's ack",
    );
    await screen.close();
  });

  it("keeps retrying a taken port without stopping, listens once it is free, and removes kiosk.json on stop", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
    const taken = (blocker.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), "sosm-kiosk-port-"));
    const logs: string[] = [];
    const config = configSchema.parse({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: "bdx-07",
      dataDir,
      mqtt: { url: rig.broker.url },
      http: { port: taken },
    });
    const feature = new KioskServerFeature({
      config,
      profile: loadVehicleProfile(join(import.meta.dirname, "../../../hardware/profiles/bdx-07.json")),
      logger: createLogger({
        name: "kiosk-port-test",
        level: "error",
        destination: { write: (line: string) => logs.push(line) },
      }),
      clock: systemClock,
      tracker: rig.core.tracker,
      dispatch: rig.core.dispatch,
      missions: rig.core.missions,
      equipment: null,
    });
    try {
      feature.start();
      let listening = false;
      const ready = feature.ready().then((address) => {
        listening = true;
        return address;
      });
      await waitUntil(
        () => logs.some((line) => line.includes("could not listen")),
        "the first refused listen",
      );
      expect(listening).toBe(false);
      await new Promise((resolve) => blocker.close(resolve));
      const address = await ready;
      expect(address.port).toBe(taken);
      expect((await rawRequest({ port: taken, path: "/healthz" })).status).toBe(200);
      expect(statSync(join(dataDir, "kiosk.json")).isFile()).toBe(true);
      await feature.stop();
      expect(() => statSync(join(dataDir, "kiosk.json"))).toThrow();
    } finally {
      await feature.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
