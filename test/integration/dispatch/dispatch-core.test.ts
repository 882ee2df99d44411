/**
 * The real terminal core (child process, the doctor played by test/support/mission-core-driver.ts)
 * and the real dispatch service, through a real mosquitto: the operator assigns a mission over the
 * HTTP API, the car accepts it and drives, and every message from the car's outbox is stored once at
 * dispatch and acknowledged, so that the car's delivery log reaches `received` for each of them.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { createLogger } from "../../../src/app/logger.ts";
import {
  fleetSnapshotSchema,
  missionRowSchema,
  timelineEntrySchema,
} from "../../../src/contracts/dispatch-api.ts";
import { CarProcess } from "../../support/car-process.ts";
import type { DriverStep } from "../../support/mission-core-driver.ts";
import { MissionDriverProcess } from "../../support/mission-driver-process.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

const _root = join(import.meta.dirname, "../../..");
const operator = { username: "claire", displayName: "Claire Dubois", password: "régulation-nuit-2026" };

let broker: Mosquitto;
let dir: string;
let dispatch: DispatchService;
let child: ChildProcess | null = null;
let cookie = "";

async function api(path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${dispatch.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

function deliveries(car: CarProcess): Array<{ id: string; type: string; state: string }> {
  const db = new Database(car.dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT id, type, state FROM deliveries ORDER BY seq").all() as Array<{
      id: string;
      type: string;
      state: string;
    }>;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  broker = await Mosquitto.start();
  dir = mkdtempSync(join(tmpdir(), "sosm-dispatch-core-"));
  dispatch = await DispatchService.start({
    fleet: "bordeaux",
    mqttUrl: broker.url,
    protocolVersion: 5,
    dataDir: join(dir, "dispatch"),
    http: { port: 0 },
    operators: [operator],
    logger: createLogger({ name: "dispatch-test", level: "warn" }),
  });
  await dispatch.mqtt.ready();
  const login = await fetch(`${dispatch.url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: operator.username, password: operator.password }),
  });
  expect(login.status).toBe(200);
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}, 30_000);

afterAll(async () => {
  child?.kill("SIGTERM");
  await dispatch?.stop();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("dispatch with a real car core", () => {
  it("assigns a mission, follows the car live, stores every message once and acks each", async () => {
    const car = new CarProcess({ dir: join(dir, "car"), mqttUrl: broker.url, logLevel: "warn" });
    const created = await api("/api/missions", {
      priority: "P1",
      reason: "Fièvre et douleur de gorge",
      address: { text: "12 rue Sainte-Catherine, 33000 Bordeaux", lat: 44.8378, lon: -0.5736 },
    });
    const mission = missionRowSchema.parse(created.json);
    const script: DriverStep[] = [
      { waitForMission: mission.missionId },
      { accept: mission.missionId },
      { status: "en_route" },
      { status: "on_scene" },
      { message: "Sur place, j'entre" },
    ];
    const run = new MissionDriverProcess(car.configPath, script);
    child = run.child;
    await waitUntil(
      () => dispatch.queries.car("BDX-07")?.link.state === "online",
      `the car online\n${run.output}`,
      30_000,
    );

    const assigned = await api(`/api/missions/${mission.missionId}/assign`, { vehicle: "BDX-07" });
    expect(assigned.status).toBe(200);
    await waitUntil(() => run.scriptDone, `the doctor's steps\n${run.output}`, 30_000);
    await waitUntil(
      () => dispatch.queries.mission(mission.missionId)?.state === "on_scene",
      "the mission on scene at dispatch",
      30_000,
    );
    // Every message the car put in its outbox reaches `received` (dispatch's ack), none left `sent`.
    await waitUntil(
      () => {
        const log = deliveries(car);
        return log.length > 0 && log.every((d) => d.state === "received");
      },
      `every delivery received\n${JSON.stringify(deliveries(car))}`,
      30_000,
    );
    const log = deliveries(car);
    expect(log.map((d) => d.type)).toEqual(expect.arrayContaining(["mission.ack", "status", "message"]));
    const stored = dispatch.db.prepare("SELECT id FROM received WHERE vehicle = 'BDX-07'").all() as Array<{
      id: string;
    }>;
    const storedIds = stored.map((row) => row.id);
    for (const delivery of log)
      expect(storedIds.filter((id) => id === delivery.id.toLowerCase())).toHaveLength(1);
    expect(dispatch.queries.car("BDX-07")).toMatchObject({ seqGaps: 0, status: { key: "on_scene" } });
    expect(dispatch.queries.messages("BDX-07").map((m) => m.text)).toContain("Sur place, j'entre");

    // The board and the timeline, through the API and its contract.
    const fleet = fleetSnapshotSchema.parse((await api("/api/fleet")).json);
    expect(fleet.cars.find((c) => c.vehicle === "BDX-07")?.mission?.missionId).toBe(mission.missionId);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const timeline = timelineEntrySchema
      .array()
      .parse((await api(`/api/cars/BDX-07/timeline?from=${from}&to=${to}`)).json);
    expect(timeline.map((e) => e.summary)).toEqual(
      expect.arrayContaining([`mission ${mission.missionId} accepted`]),
    );
  }, 90_000);
});
