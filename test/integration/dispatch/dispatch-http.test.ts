/**
 * Dispatch's HTTP + WebSocket API over real sockets: the operator session and its cookie, what a web
 * page from elsewhere cannot do, and an alarm from a car (a raw MQTT client) pushed live, held
 * unacknowledged until an operator acknowledges it, then acked to the car.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { carEnvelope } from "../../../src/contracts/car-envelope.ts";
import {
  alarmRowSchema,
  type DispatchPush,
  dispatchPushSchema,
} from "../../../src/contracts/dispatch-api.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

const operator = { username: "claire", displayName: "Claire Dubois", password: "régulation-nuit-2026" };
let broker: Mosquitto;
let dir: string;
let dispatch: DispatchService;
let car: mqtt.MqttClient;
const carCommands: Array<{ type: string; body: { ref?: string } }> = [];

const second = { username: "lucas", displayName: "Lucas Martin", password: "régulation-jour-2026" };

async function login(password = operator.password, username = operator.username): Promise<Response> {
  return fetch(`${dispatch.url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
}

beforeAll(async () => {
  broker = await Mosquitto.start();
  dir = mkdtempSync(join(tmpdir(), "sosm-dispatch-http-"));
  dispatch = await DispatchService.start({
    fleet: "bordeaux",
    mqttUrl: broker.url,
    protocolVersion: 5,
    dataDir: dir,
    http: { port: 0 },
    operators: [operator, second],
    logger: createLogger({ name: "dispatch-test", level: "silent" }),
  });
  await dispatch.mqtt.ready();
  car = await mqtt.connectAsync(broker.url, { clientId: "sosm-bordeaux-BDX-07", protocolVersion: 5 });
  car.on("message", (_topic, payload) => carCommands.push(JSON.parse(payload.toString())));
  await car.subscribeAsync("sosm/v1/bordeaux/BDX-07/cmd", { qos: 1 });
}, 30_000);

afterAll(async () => {
  await car?.endAsync();
  await dispatch?.stop();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("dispatch HTTP API", () => {
  it("throttles password guesses: after 5 wrong ones, 429 with Retry-After, even for the right one", async () => {
    for (let i = 0; i < 5; i++) expect((await login(`guess-${i}`, second.username)).status).toBe(401);
    const refused = await login(second.password, second.username);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(await refused.json()).toMatchObject({ error: { code: "rate_limited" } });
    // Another operator at the same desk is not locked out by it.
    expect((await login()).status).toBe(200);
  });

  it("logs an operator in with an HttpOnly, SameSite=Strict cookie, and refuses a wrong password", async () => {
    expect((await login("wrong password")).status).toBe(401);
    expect((await fetch(`${dispatch.url}/api/fleet`)).status).toBe(401);
    const ok = await login();
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^sosm_dispatch=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    const cookie = setCookie.split(";")[0] ?? "";
    expect(await (await fetch(`${dispatch.url}/api/session`, { headers: { cookie } })).json()).toEqual({
      operator: { username: "claire", displayName: "Claire Dubois" },
    });
    await fetch(`${dispatch.url}/api/logout`, { method: "POST", headers: { cookie } });
    expect((await fetch(`${dispatch.url}/api/session`, { headers: { cookie } })).status).toBe(401);
  });

  it("refuses a request from another origin, another Host, or with a misspelt field", async () => {
    const cookie = ((await login()).headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const crossSite = await fetch(`${dispatch.url}/api/cars/BDX-07/status-request`, {
      method: "POST",
      headers: { cookie, origin: "http://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const rebound = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${dispatch.url}/api/fleet`);
      request(
        { host: url.hostname, port: url.port, path: url.pathname, headers: { host: "evil.example", cookie } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on("error", reject)
        .end();
    });
    expect(rebound).toBe(421);
    const misspelt = await fetch(`${dispatch.url}/api/missions`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ priority: "P1", reason: "x", adress: { text: "1 rue X" } }),
    });
    expect(misspelt.status).toBe(400);
    expect(JSON.stringify(await misspelt.json())).toContain("adress");
  });

  it("pushes a car's alarm live and acks it to the car only when an operator acknowledges it", async () => {
    const cookie = ((await login()).headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const url = dispatch.url.replace("http", "ws");
    const refused = new WebSocket(`${url}/api/ws`, { origin: dispatch.url });
    await new Promise((resolve) => refused.once("error", resolve));
    const ws = new WebSocket(`${url}/api/ws`, { headers: { cookie }, origin: dispatch.url });
    const pushes: DispatchPush[] = [];
    ws.on("message", (data) => pushes.push(dispatchPushSchema.parse(JSON.parse(String(data)))));
    await waitUntil(() => pushes.some((p) => p.type === "snapshot"), "the snapshot", 10_000);

    const alarm = carEnvelope({
      type: "alarm",
      src: "BDX-07",
      now: Date.now(),
      seq: 1,
      body: { alarmId: "AL-1", kind: "panic", state: "raised", lat: 44.84, lon: -0.57 },
    });
    await car.publishAsync("sosm/v1/bordeaux/BDX-07/events", JSON.stringify(alarm), { qos: 1 });
    await waitUntil(
      () => pushes.some((p) => p.type === "alarm" && p.alarm.alarmId === "AL-1"),
      "the alarm pushed",
      10_000,
    );
    expect(carCommands.filter((c) => c.type === "ack")).toEqual([]);

    const ack = await fetch(`${dispatch.url}/api/alarms/AL-1/ack`, { method: "POST", headers: { cookie } });
    expect(ack.status).toBe(200);
    expect(alarmRowSchema.parse(await ack.json())).toMatchObject({
      state: "acknowledged",
      acknowledgedBy: "claire",
      acknowledgedByName: "Claire Dubois",
    });
    // A console reloaded now still shows it (quiet): the doctor has not cancelled it.
    const fleet = await (await fetch(`${dispatch.url}/api/fleet`, { headers: { cookie } })).json();
    expect(fleet.openAlarms).toMatchObject([{ alarmId: "AL-1", state: "acknowledged" }]);
    expect(
      (await fetch(`${dispatch.url}/api/alarms/AL-1/ack`, { method: "POST", headers: { cookie } })).status,
    ).toBe(404);
    await waitUntil(
      () => carCommands.some((c) => c.type === "ack" && c.body.ref === alarm.id),
      "the ack at the car",
      10_000,
    );
    await waitUntil(
      () => pushes.some((p) => p.type === "alarm" && p.alarm.state === "acknowledged"),
      "the acknowledgement pushed",
      10_000,
    );
    ws.close();
  });
});
