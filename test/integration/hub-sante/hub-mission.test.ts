/**
 * Issue 8 acceptance, end to end with real components: a real car core (child process, the doctor
 * played by test/support/mission-core-driver.ts), real mosquitto, the real dispatch service with its
 * Hub Santé gateway, and a real RabbitMQ node of the test's own. A mission's lifecycle reaches the
 * SAMU's queue as DEPART, ARRIVEE, PEC, FINPEC, RETOUR (available), in order; simulated cars'
 * positions reach it as GEO-POS at the configured pace. Every message validates against the
 * official schemas (HubQueueReader).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { SimulatedFleet } from "../../../apps/sim/fleet.ts";
import { positionBody } from "../../../src/contracts/telemetry.ts";
import { caseIdForMission, resourceId } from "../../../src/domain/hub-sante/hub-ids.ts";
import { CarProcess } from "../../support/car-process.ts";
import type { DriverStep } from "../../support/mission-core-driver.ts";
import { MissionDriverProcess } from "../../support/mission-driver-process.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { RabbitMq } from "../../support/rabbitmq.ts";
import { waitUntil } from "../../support/socat.ts";
import { declareHub, HubQueueReader, inner, orgId, senderId, startHubDispatch } from "./hub-rig.ts";

const _root = join(import.meta.dirname, "../../..");
const geoIntervalS = 2;

let broker: Mosquitto;
let rabbit: RabbitMq;
let dir: string;
let dispatch: DispatchService;
let reader: HubQueueReader;
let child: ChildProcess | null = null;

beforeAll(async () => {
  [broker, rabbit] = await Promise.all([Mosquitto.start(), RabbitMq.start()]);
  await declareHub(rabbit.url);
  reader = new HubQueueReader(rabbit.url);
  dir = mkdtempSync(join(tmpdir(), "sosm-hub-mission-"));
  dispatch = await startHubDispatch({
    mqttUrl: broker.url,
    amqpUrl: rabbit.url,
    dataDir: join(dir, "dispatch"),
    hub: { geoPosIntervalSeconds: geoIntervalS },
  });
}, 120_000);

afterAll(async () => {
  child?.kill("SIGTERM");
  await dispatch?.stop();
  await Promise.all([broker?.close(), rabbit?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Hub Santé gateway with a real car, mosquitto and RabbitMQ", () => {
  it("sends a mission's lifecycle as DEPART, ARRIVEE, PEC, FINPEC, RETOUR, in order", async () => {
    const car = new CarProcess({ dir: join(dir, "car"), mqttUrl: broker.url, logLevel: "warn" });
    // The operator's mission, as the console creates it (POST /api/missions does the same).
    const missionId = "M-20261123-A1B2C3";
    dispatch.commands.createMission(
      missionId,
      {
        priority: "P1",
        reason: "Fièvre et douleur de gorge",
        address: { text: "12 rue Sainte-Catherine, 33000 Bordeaux", lat: 44.8378, lon: -0.5736 },
      },
      "claire",
      Date.now(),
    );
    const script: DriverStep[] = [
      { waitForMission: missionId },
      { accept: missionId },
      { status: "en_route" },
      { status: "on_scene" },
      { status: "call_request" },
      { status: "with_patient" },
      { status: "visit_done" },
      { status: "available" },
    ];
    const run = new MissionDriverProcess(car.configPath, script);
    child = run.child;
    await waitUntil(
      () => dispatch.queries.car("BDX-07")?.link.state === "online",
      `the car online\n${run.output}`,
      30_000,
    );
    expect(dispatch.commands.assignMission(missionId, "BDX-07", Date.now()).ok).toBe(true);
    dispatch.publisher.kick();
    await waitUntil(() => run.scriptDone, `the doctor's steps\n${run.output}`, 45_000);

    await reader.until(() => reader.rsSr("BDX-07").length >= 5, "5 RS-SR for BDX-07", 45_000);
    // Give a stray sixth message (call_request, a repeat) the time to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    await reader.drain();
    const messages = reader.rsSr("BDX-07");
    const states = messages.map((m) => inner(m).resourcesStatus?.state);
    expect(states.map((s) => [s?.status, s?.availability])).toEqual([
      ["DEPART", undefined],
      ["ARRIVEE", undefined],
      ["PEC", undefined],
      ["FINPEC", undefined],
      ["RETOUR", true],
    ]);
    for (const message of messages) {
      expect(inner(message).resourcesStatus).toMatchObject({
        caseId: caseIdForMission(orgId, missionId),
        resourceId: resourceId(orgId, "BDX-07"),
      });
      expect(message.envelope).toMatchObject({ senderID: senderId, distributionStatus: "Exercise" });
      expect(message.properties).toMatchObject({
        messageId: message.distributionId,
        deliveryMode: 2,
        contentType: "application/json",
      });
    }
    const times = states.map((s) => Date.parse(s?.datetime ?? ""));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    await eventuallyEmpty();
  }, 120_000);

  it("sends GEO-POS at the configured pace, with the newest position", async () => {
    const fleet = await SimulatedFleet.start({
      url: broker.url,
      fleet: "bordeaux",
      cars: 3,
      protocolVersion: 5,
      // No statuses from these cars: only their positions matter here.
      eventEverySeconds: 100_000,
      prefix: "GEO",
    });
    const started = Date.now();
    try {
      await fleet.connected();
      await new Promise((r) => setTimeout(r, 12_000));
      fleet.pause();
    } finally {
      await fleet.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    // The last fix goes out within one interval after the cars stopped.
    await new Promise((r) => setTimeout(r, (geoIntervalS + 2) * 1000));
    await reader.drain();
    const geo = reader.distinct().filter((m) => m.kind === "geoPositionsUpdate");
    for (const car of ["GEO-0001", "GEO-0002", "GEO-0003"]) {
      const id = resourceId(orgId, car);
      const positions = geo
        .flatMap((m) => inner(m).geoPositionsUpdate?.position ?? [])
        .filter((p) => p.resourceId === id);
      // At most one per interval (+1: the first goes at once); under load, fewer but never none.
      expect(positions.length).toBeGreaterThanOrEqual(2);
      expect(positions.length).toBeLessThanOrEqual(Math.ceil(seconds / geoIntervalS) + 2);
      const times = positions.map((p) => Date.parse(p.datetime));
      for (let i = 1; i < times.length; i++)
        // Fix times are whole seconds: 2 s apart at the creation can read 1 s apart.
        expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual((geoIntervalS - 1) * 1000);
      // The newest position wins: the last GEO-POS is the car's last fix stored at dispatch.
      const stored = positionBody.parse(
        JSON.parse(
          String(
            (
              dispatch.db.prepare("SELECT position_json FROM cars WHERE vehicle = ?").get(car) as {
                position_json: string;
              }
            ).position_json,
          ),
        ),
      );
      const last = positions[positions.length - 1] as unknown as { coord: { lat: number; lon: number } };
      expect(last.coord).toMatchObject({ lat: stored.lat, lon: stored.lon });
    }
  }, 90_000);
});

async function eventuallyEmpty(): Promise<void> {
  await waitUntil(
    () => dispatch.hub?.stats().pending === 0 && dispatch.hub.stats().unmapped === 0,
    "the Hub Santé outbox empty",
    30_000,
  );
}
