/**
 * Acceptance (issue 4): kill -9 mid-mission. The core runs in a child process (the test driver plays
 * the doctor), the broker goes down so that the doctor's steps pile up in the outbox, and the power
 * is cut. Afterwards the SQLite file holds the mission, the status and the pending messages; the
 * restarted core (`sosm core`) delivers them to dispatch once each, in seq order, and still knows the
 * mission and status when dispatch asks (`status.request`).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CarProcess } from "../../support/car-process.ts";
import type { DriverStep } from "../../support/mission-core-driver.ts";
import { assignBody, commandPayload, missionTopic } from "../../support/mission-dispatch.ts";
import { MissionDriverProcess } from "../../support/mission-driver-process.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

const _root = join(import.meta.dirname, "../../..");

interface Received {
  id: string;
  type: string;
  seq?: number;
  body: Record<string, unknown>;
}

function readState(dbPath: string) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return {
      mission: db.prepare("SELECT state FROM missions WHERE id = 'M-200'").get() as
        | { state: string }
        | undefined,
      status: db.prepare("SELECT key, mission_id FROM radio_status").get() as
        | { key: string; mission_id: string }
        | undefined,
      pending: (
        db.prepare("SELECT payload FROM outbox ORDER BY seq").all() as Array<{ payload: string }>
      ).map((row) => JSON.parse(row.payload) as Received),
    };
  } finally {
    db.close();
  }
}

describe("kill -9 mid-mission", () => {
  let broker: Mosquitto;
  let dir: string;
  let dispatch: mqtt.MqttClient;
  let child: ChildProcess | null = null;
  let car: CarProcess | null = null;
  const received: Received[] = [];

  beforeAll(async () => {
    broker = await Mosquitto.start();
    dir = mkdtempSync(join(tmpdir(), "sosm-mission-crash-"));
    dispatch = await mqtt.connectAsync(broker.url, {
      clientId: "sosm-dispatch-crash",
      protocolVersion: 5,
      clean: false,
      reconnectPeriod: 200,
      properties: { sessionExpiryInterval: 3600 },
    });
    dispatch.on("message", (_topic, payload) => received.push(JSON.parse(payload.toString()) as Received));
    await dispatch.subscribeAsync("sosm/v1/bordeaux/BDX-07/+", { qos: 1 });
  });
  afterAll(async () => {
    child?.kill("SIGKILL");
    await car?.stop();
    await dispatch?.endAsync(true);
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the mission, the status and the pending messages, and delivers them after the restart", async () => {
    car = new CarProcess({ dir, mqttUrl: broker.url, logLevel: "warn" });
    const script: DriverStep[] = [
      { waitForMission: "M-200" },
      { waitOffline: true },
      { accept: "M-200" },
      { status: "en_route" },
      { status: "on_scene" },
      { message: "Sur place, j'entre" },
    ];
    const run = new MissionDriverProcess(car.configPath, script);
    child = run.child;

    // Online: dispatch assigns, the car acknowledges `received`.
    await waitUntil(
      () => received.some((m) => m.type === "presence" && m.body.state === "online"),
      `the car online\n${run.output}`,
      30_000,
    );
    await dispatch.publishAsync(missionTopic, commandPayload("mission.assign", assignBody("M-200")), {
      qos: 1,
    });
    await waitUntil(
      () => received.some((m) => m.type === "mission.ack"),
      `ack received\n${run.output}`,
      30_000,
    );

    // The broker goes down; the doctor accepts, drives, arrives, writes: all of it waits in the outbox.
    await broker.stop();
    await waitUntil(() => run.scriptDone, `the doctor's steps\n${run.output}`, 30_000);
    const cut = child;
    await new Promise<void>((resolve) => {
      cut.once("exit", () => resolve());
      cut.kill("SIGKILL");
    });
    child = null;

    const afterCut = readState(car.dbPath);
    expect(afterCut.mission?.state).toBe("on_scene");
    expect(afterCut.status).toEqual({ key: "on_scene", mission_id: "M-200" });
    const pendingSummary = afterCut.pending
      .filter((m) => m.type !== "equipment")
      .map((m) => `${m.type} ${m.body.state ?? m.body.key ?? m.body.text}`);
    expect(pendingSummary).toEqual([
      "mission.ack displayed",
      "mission.ack accepted",
      "status en_route",
      "status on_scene",
      "message Sur place, j'entre",
    ]);

    // Power back: the broker and the real `sosm core` start again; dispatch gets everything once.
    await broker.startProcess();
    car.start();
    const pendingIds = afterCut.pending.map((m) => m.id);
    await waitUntil(
      () => pendingIds.every((id) => received.some((m) => m.id === id)),
      `pending messages delivered\n${car?.output}`,
      30_000,
    );
    const durable = new Map<string, Received>();
    const firstArrivals: number[] = [];
    for (const message of received) {
      if (message.seq === undefined || durable.has(message.id)) continue;
      durable.set(message.id, message);
      firstArrivals.push(message.seq);
    }
    expect(firstArrivals).toEqual([...firstArrivals].sort((a, b) => a - b));
    const seqs = [...durable.values()].map((m) => m.seq ?? 0).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 0) + i));

    // The restarted core still knows where the doctor is.
    const before = received.length;
    await dispatch.publishAsync(missionTopic, commandPayload("status.request", {}), { qos: 1 });
    await waitUntil(
      () => received.slice(before).some((m) => m.type === "status" && m.body.key === "on_scene"),
      "the status re-published",
      15_000,
    );
    const republished = received.slice(before).find((m) => m.type === "status");
    expect(republished?.body).toMatchObject({ code: 4, key: "on_scene", missionId: "M-200" });
    // Dispatch may see a message before the car has handled its PUBACK: wait for the outbox to drain.
    const dbPath = car.dbPath;
    await waitUntil(() => readState(dbPath).pending.length === 0, "the outbox drained", 15_000);
  }, 120_000);
});
