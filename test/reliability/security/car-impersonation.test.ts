/**
 * One car cannot impersonate another (issue 9, DESIGN.md §4), on the shipped TLS broker config with
 * the real dispatch service. mqtt-acl.test.ts shows what the broker's ACL refuses; this adds what
 * gets past the broker by design and must be refused by dispatch, and the identities the broker
 * must refuse at the door:
 * - car A, on its own topic, sends an envelope that says it is car B: dispatch stores nothing and
 *   sends no ack (src/services/dispatch-inbound.ts checks `src` against the topic);
 * - car A acknowledges car B's mission: B's mission does not move;
 * - a certificate in B's name from another CA, and a CA-signed one outside the roster, get nothing;
 * - car A's certificate with car B's configuration (a copied config file) reaches none of B's topics.
 */

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { carEnvelope } from "../../../src/contracts/car-envelope.ts";
import { waitUntil } from "../../support/socat.ts";
import { carA, carB, collect, dispatchIdentity, hardware, sleep, stranger, TlsFleet } from "./tls-fleet.ts";

const logger = pino({ level: "silent" });
let fleet: TlsFleet;
let service: DispatchService;
let dataDir: string;

beforeAll(async () => {
  fleet = await TlsFleet.start();
  dataDir = mkdtempSync(join(tmpdir(), "sosm-impersonation-"));
  service = await DispatchService.start({
    fleet: "bordeaux",
    mqttUrl: fleet.url,
    protocolVersion: 5,
    // One connection: the shipped config forces the client id to the certificate's name.
    durableConnections: 0,
    mqttClientOptions: fleet.identity(dispatchIdentity),
    dataDir,
    http: { port: 0 },
    logger,
  });
  await service.mqtt.ready();
  await service.mqtt.caughtUp;
}, 30_000);

afterEach(async () => {
  await fleet.cleanup();
});

afterAll(async () => {
  await service?.stop();
  await fleet?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let seq = 0;
/** Car A publishing an envelope on its own events topic, as the ACL lets it. */
async function publishAsA(car: MqttClient, src: string, type: "message" | "mission.ack", body: unknown) {
  const envelope = carEnvelope({ type, src, now: Date.now(), seq: ++seq, body });
  await car.publishAsync("sosm/v1/bordeaux/BDX-07/events", JSON.stringify(envelope), { qos: 1 });
  return envelope;
}

/** A mission created and assigned by dispatch, published to the car at once. */
function assignTo(vehicle: string, missionId: string): string {
  const now = Date.now();
  service.commands.createMission(
    missionId,
    { priority: "P1", reason: "Douleur thoracique", address: { text: "3 place de la Bourse, Bordeaux" } },
    "claire",
    now,
  );
  expect(service.commands.assignMission(missionId, vehicle, now).ok).toBe(true);
  service.publisher.kick();
  return missionId;
}

async function carAWithCommands() {
  const car = await fleet.connectAs(carA);
  const commands = collect(car);
  await car.subscribeAsync("sosm/v1/bordeaux/BDX-07/cmd", { qos: 1 });
  return { car, commands };
}

describe("dispatch, behind the broker", () => {
  it("stores nothing and acks nothing when car A's envelope claims to be car B", async () => {
    const { car, commands } = await carAWithCommands();
    const rejectedBefore = service.ingest.stats().rejected;
    const forged = await publishAsA(car, "BDX-08", "message", { text: "Je suis BDX-08" });
    // A genuine message after it, on the same connection: once its ack is back, the forged one
    // (published before it) has been judged.
    const genuine = await publishAsA(car, "BDX-07", "message", { text: "Je suis BDX-07" });
    await waitUntil(
      () => commands.some((m) => m.payload.includes(genuine.id)),
      "the genuine message's ack",
      10_000,
    );
    expect(service.ingest.stats().rejected).toBe(rejectedBefore + 1);
    expect(service.queries.messages("BDX-08")).toEqual([]);
    expect(service.queries.messages("BDX-07").map((m) => m.text)).toEqual(["Je suis BDX-07"]);
    expect(commands.filter((m) => m.payload.includes(forged.id))).toEqual([]);
  });

  it("does not let car A move car B's mission", async () => {
    const missionId = assignTo("BDX-08", "M-IMPERSONATION-1");
    const before = service.queries.mission(missionId);
    const { car, commands } = await carAWithCommands();
    const ack = await publishAsA(car, "BDX-07", "mission.ack", { missionId, state: "accepted" });
    await waitUntil(
      () => commands.some((m) => m.payload.includes(ack.id)),
      "dispatch's ack of A's event",
      10_000,
    );
    expect(service.queries.mission(missionId)).toEqual(before);
    expect(before?.vehicle).toBe("BDX-08");
  });
});

describe("identities the broker refuses", () => {
  it("refuses, at the TLS handshake, a certificate in car B's name signed by another CA", async () => {
    const rogue = mkdtempSync(join(tmpdir(), "sosm-rogue-ca-"));
    fleet.onCleanup(() => rmSync(rogue, { recursive: true, force: true }));
    execFileSync(join(hardware, "make-dev-certs.sh"), [rogue, carB], { stdio: "pipe" });
    const forged = fleet.identity(carB, rogue);
    const attempt = mqtt.connectAsync(fleet.url, {
      // The client trusts the real broker; only its own certificate is forged.
      ca: fleet.identity(carB).ca,
      cert: forged.cert,
      key: forged.key,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 3000,
    });
    await expect(attempt).rejects.toThrow(/unknown ca|certificate|socket hang up|ECONNRESET/i);
  });

  it("gives a CA-signed certificate outside the roster no command to read", async () => {
    const outsider = await fleet.connectAs(stranger);
    const seen = collect(outsider);
    await outsider.subscribeAsync(["sosm/v1/#", "#"], { qos: 1 });
    const { commands } = await carAWithCommands();
    const missionId = assignTo("BDX-07", "M-IMPERSONATION-2");
    await waitUntil(() => commands.some((m) => m.payload.includes(missionId)), "car A's mission", 10_000);
    await sleep(200);
    expect(seen).toEqual([]);
  });

  it("lets a copied configuration of car B on car A's certificate reach none of B's topics", async () => {
    const { link, commands } = fleet.carLink("BDX-08", carA);
    const realB = await fleet.connectAs(carB);
    const seenByB = collect(realB);
    await realB.subscribeAsync("sosm/v1/bordeaux/BDX-08/cmd", { qos: 1 });
    const receivedBefore = service.ingest.stats().received;
    link.start();
    await waitUntil(() => link.isConnected(), "the link connected (as car A, whatever it claims)");
    await expect(link.publish("status", '{"forged":true}', { qos: 1, retain: true })).rejects.toThrow();
    const missionId = assignTo("BDX-08", "M-IMPERSONATION-3");
    await waitUntil(
      () => seenByB.some((m) => m.payload.includes(missionId)),
      "car B's mission, at car B",
      10_000,
    );
    await sleep(200);
    expect(commands).toEqual([]);
    // Neither the birth presence nor the status reached dispatch: the broker refused both.
    expect(service.ingest.stats().received).toBe(receivedBefore);
  });
});
