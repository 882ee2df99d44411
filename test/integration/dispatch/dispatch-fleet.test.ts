/**
 * Dispatch against a real mosquitto with simulated cars (apps/sim/fleet.ts): two instances sharing the
 * load through an MQTT 5 shared subscription store everything once, and a restart of dispatch loses
 * nothing (its persistent sessions keep what arrives meanwhile).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { EmbeddedBroker } from "../../../apps/sim/embedded-broker.ts";
import { SimulatedFleet } from "../../../apps/sim/fleet.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

const logger = createLogger({ name: "dispatch-test", level: "warn" });
// One broker per test: a stopped instance's persistent session stays in the shared group and would
// take its share of the next test's messages (as it should in production: docs/scaling.md).
let broker: Mosquitto;
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "sosm-dispatch-fleet-"));
  dirs.push(dir);
  return dir;
}

function startDispatch(dataDir: string, instance: string): Promise<DispatchService> {
  return DispatchService.start({
    fleet: "bordeaux",
    mqttUrl: broker.url,
    protocolVersion: 5,
    dataDir,
    instance,
    http: { port: 0 },
    logger,
  });
}

function storedIds(service: DispatchService, ids: readonly string[]): number {
  const has = service.db.prepare("SELECT 1 FROM received WHERE id = ?");
  return ids.filter((id) => has.get(id.toLowerCase()) !== undefined).length;
}

beforeEach(async () => {
  broker = await Mosquitto.start();
});

afterEach(async () => {
  await broker?.close();
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("dispatch with a simulated fleet", () => {
  it("splits the load between two instances with a shared subscription, storing each message once", async () => {
    const dataDir = tempDir();
    const a = await startDispatch(dataDir, "a");
    const b = await startDispatch(dataDir, "b");
    await Promise.all([a.mqtt.ready(), b.mqtt.ready()]);
    // Until then each instance also gets the retained topics unshared, which would count twice.
    await Promise.all([a.mqtt.caughtUp, b.mqtt.caughtUp]);
    const fleet = await SimulatedFleet.start({
      url: broker.url,
      fleet: "bordeaux",
      cars: 20,
      protocolVersion: 5,
      eventEverySeconds: 1,
      prefix: "SHR",
    });
    try {
      await fleet.connected();
      await waitUntil(() => fleet.stats().eventsSent >= 200, "200 events sent", 30_000);
      fleet.pause();
      const sent = fleet.sentIds();
      await waitUntil(() => storedIds(a, sent) === sent.length, "every event stored", 30_000);
      await waitUntil(() => fleet.stats().acksReceived === sent.length, "every event acked", 30_000);
      const [sa, sb] = [a.ingest.stats(), b.ingest.stats()];
      // Both instances took part, and no durable message reached both (positions aside, every
      // message the fleet sent on a QoS 1 topic was stored by exactly one instance).
      expect(sa.stored).toBeGreaterThan(0);
      expect(sb.stored).toBeGreaterThan(0);
      const durable = a.db.prepare("SELECT count(*) AS n FROM received").get() as { n: number };
      const positions = a.db.prepare("SELECT count(*) AS n FROM positions").get() as { n: number };
      expect(sa.stored + sb.stored).toBe(durable.n + positions.n);
      expect(sa.duplicates + sb.duplicates).toBe(0);
      expect(a.queries.cars().every((car) => car.seqGaps === 0)).toBe(true);
    } finally {
      await fleet.stop();
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 90_000);

  it("loses nothing across a restart of dispatch: the broker keeps its session meanwhile", async () => {
    const dataDir = tempDir();
    let dispatch = await startDispatch(dataDir, "r");
    await dispatch.mqtt.ready();
    const fleet = await SimulatedFleet.start({
      url: broker.url,
      fleet: "bordeaux",
      cars: 5,
      protocolVersion: 5,
      eventEverySeconds: 1,
      prefix: "RST",
    });
    try {
      await fleet.connected();
      await waitUntil(() => fleet.stats().eventsSent >= 10, "first events", 30_000);
      await dispatch.stop();
      const whileDown = fleet.stats().eventsSent;
      await waitUntil(
        () => fleet.stats().eventsSent >= whileDown + 15,
        "events while dispatch is down",
        30_000,
      );
      dispatch = await startDispatch(dataDir, "r");
      await dispatch.mqtt.ready();
      await waitUntil(() => fleet.stats().eventsSent >= whileDown + 25, "events after the restart", 30_000);
      fleet.pause();
      const sent = fleet.sentIds();
      const service = dispatch;
      await waitUntil(() => storedIds(service, sent) === sent.length, "every event stored", 30_000);
      await waitUntil(() => fleet.stats().acksReceived === sent.length, "every event acked", 30_000);
      expect(service.queries.cars().map((car) => car.seqGaps)).toEqual([0, 0, 0, 0, 0]);
    } finally {
      await fleet.stop();
      await dispatch.stop();
    }
  }, 90_000);

  it("works on MQTT 3.1.1 too (the embedded broker of npm start): plain subscriptions, one instance", async () => {
    const embedded = await EmbeddedBroker.start();
    const dispatch = await DispatchService.start({
      fleet: "bordeaux",
      mqttUrl: embedded.url,
      protocolVersion: 4,
      dataDir: tempDir(),
      http: { port: 0 },
      logger,
    });
    await dispatch.mqtt.ready();
    const fleet = await SimulatedFleet.start({
      url: embedded.url,
      fleet: "bordeaux",
      cars: 3,
      protocolVersion: 4,
      eventEverySeconds: 1,
      prefix: "V4",
    });
    try {
      await fleet.connected();
      await waitUntil(() => fleet.stats().eventsSent >= 9, "events", 30_000);
      fleet.pause();
      const sent = fleet.sentIds();
      await waitUntil(() => storedIds(dispatch, sent) === sent.length, "every event stored", 30_000);
      await waitUntil(() => fleet.stats().acksReceived === sent.length, "every event acked", 30_000);
      expect(dispatch.queries.cars().map((car) => car.link.state)).toEqual(["online", "online", "online"]);
    } finally {
      await fleet.stop();
      await dispatch.stop();
      await embedded.close();
    }
  }, 60_000);
});
