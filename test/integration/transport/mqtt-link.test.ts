/**
 * MqttDispatchLink against a real mosquitto (test/support/mosquitto.ts): presence birth and will,
 * the persistent session across a car outage and a broker restart, PUBACK, reconnection.
 * Timing assertions poll with generous margins: this runs on a loaded 2-core machine.
 */
import { type ChildProcess, spawn } from "node:child_process";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { presenceMessage } from "../../../src/contracts/messages.ts";
import type { DispatchLinkStatus } from "../../../src/services/dispatch-link.ts";
import { systemClock } from "../../../src/services/ports.ts";
import { MqttDispatchLink } from "../../../src/transport/mqtt-dispatch-link.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

const logger = pino({ level: "silent" });

let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.close();
});

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function car(vehicle: string) {
  let raw: MqttClient | null = null;
  const link = new MqttDispatchLink({
    fleet: "bordeaux",
    vehicle,
    url: broker.url,
    logger,
    clock: systemClock,
    appVersion: "1.2.3",
    backoff: { initialMs: 200, factor: 2, maxMs: 1000 },
    connect: (url, options) => {
      raw = mqtt.connect(url, options);
      return raw;
    },
  });
  const statuses: DispatchLinkStatus[] = [];
  const commands: string[] = [];
  link.onStatus((s) => statuses.push(s));
  link.onCommand((_topic, payload) => commands.push(payload.toString()));
  cleanups.push(() => link.stop());
  const client = (): MqttClient => {
    if (!raw) throw new Error("not started");
    return raw;
  };
  return { link, statuses, commands, client };
}

/** A dispatch-side observer: every message on the fleet, in order. */
async function observer() {
  const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 200 });
  const seen: Array<{ topic: string; payload: string; retain: boolean }> = [];
  client.on("message", (topic, payload, packet) =>
    seen.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  await client.subscribeAsync("sosm/v1/#", { qos: 1 });
  cleanups.push(() => client.endAsync(true));
  const presences = (vehicle: string) =>
    seen
      .filter((m) => m.topic === `sosm/v1/bordeaux/${vehicle}/presence`)
      .map((m) => ({ ...presenceMessage.parse(JSON.parse(m.payload)), retain: m.retain }));
  return { client, seen, presences };
}

async function dispatchPublish(topic: string, payload: string): Promise<void> {
  const client = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
  await client.publishAsync(topic, payload, { qos: 1 });
  await client.endAsync();
}

describe("MqttDispatchLink on a real mosquitto", () => {
  it("publishes a retained online birth that a later subscriber still sees", async () => {
    const { link } = car("BDX-01");
    link.start();
    await waitUntil(() => link.isConnected(), "connected");
    await waitUntil(() => link.subscriptions().get("sosm/v1/bordeaux/BDX-01/cmd") === 1, "SUBACK");
    const late = await observer();
    await waitUntil(() => late.presences("BDX-01").length > 0, "retained presence");
    expect(late.presences("BDX-01")[0]).toMatchObject({
      retain: true,
      src: "BDX-01",
      body: { state: "online" },
    });
    expect([...link.subscriptions().values()]).toEqual([1, 1]);
  });

  it("resolves publish on PUBACK, and the message reaches dispatch", async () => {
    const watch = await observer();
    const { link } = car("BDX-02");
    link.start();
    await waitUntil(() => link.isConnected(), "connected");
    const started = performance.now();
    await link.publish("events", '{"hello":1}', { qos: 1, retain: false });
    const pubackMs = performance.now() - started;
    await waitUntil(() => watch.seen.some((m) => m.topic === "sosm/v1/bordeaux/BDX-02/events"), "event");
    expect(pubackMs).toBeLessThan(1000);
  });

  it("refuses a payload over 64 KiB locally and stays connected", async () => {
    const { link } = car("BDX-03");
    link.start();
    await waitUntil(() => link.isConnected(), "connected");
    await expect(link.publish("track", "x".repeat(64 * 1024 + 1), { qos: 1, retain: false })).rejects.toThrow(
      /exceeds 65536/,
    );
    await link.publish("track", "x".repeat(64 * 1024), { qos: 1, retain: false });
    expect(link.isConnected()).toBe(true);
  });

  it("lets the broker publish the offline will when the car's socket dies, then comes back online", async () => {
    const watch = await observer();
    const { link, client } = car("BDX-04");
    link.start();
    await waitUntil(() => watch.presences("BDX-04").length === 1, "birth");
    client().stream.destroy(); // no DISCONNECT: what a dead modem or a crash looks like to the broker
    await waitUntil(() => watch.presences("BDX-04").some((p) => p.body.state === "offline"), "will");
    await waitUntil(() => watch.presences("BDX-04").length === 3, "second birth");
    const states = watch.presences("BDX-04").map((p) => p.body.state);
    expect(states).toEqual(["online", "offline", "online"]);
    const ids = new Set(watch.presences("BDX-04").map((p) => p.id));
    expect(ids.size).toBe(3);
  });

  it("lets the broker publish the offline will when the car's process is killed", async () => {
    const watch = await observer();
    const child = spawnCar("BDX-05");
    await waitUntil(() => watch.presences("BDX-05").length === 1, "birth from the child", 15_000);
    child.kill("SIGKILL");
    await waitUntil(() => watch.presences("BDX-05").length === 2, "will");
    expect(watch.presences("BDX-05")[1]?.body.state).toBe("offline");
    // Live deliveries clear the retain flag (MQTT 5 §3.3.1.3): a late subscriber shows it was retained.
    const late = await observer();
    await waitUntil(() => late.presences("BDX-05").length === 1, "retained will");
    expect(late.presences("BDX-05")[0]).toMatchObject({ retain: true, body: { state: "offline" } });
  });

  it("delivers a QoS 1 command sent while the car was away when it reconnects", async () => {
    const first = car("BDX-06");
    first.link.start();
    await waitUntil(() => first.link.subscriptions().get("sosm/v1/bordeaux/BDX-06/cmd") === 1, "SUBACK");
    await first.link.stop();
    await dispatchPublish("sosm/v1/bordeaux/BDX-06/cmd", '{"n":1}');
    await dispatchPublish("sosm/v1/bordeaux/_all/cmd", '{"n":2}');
    const second = car("BDX-06");
    second.link.start();
    await waitUntil(() => second.commands.length === 2, "queued commands");
    expect(second.commands).toEqual(['{"n":1}', '{"n":2}']);
  });

  it("keeps a command queued across a broker restart", async () => {
    const first = car("BDX-07");
    first.link.start();
    await waitUntil(() => first.link.subscriptions().get("sosm/v1/bordeaux/BDX-07/cmd") === 1, "SUBACK");
    await first.link.stop();
    await dispatchPublish("sosm/v1/bordeaux/BDX-07/cmd", '{"mission":"M-1"}');
    await broker.stop();
    await broker.startProcess();
    const second = car("BDX-07");
    second.link.start();
    await waitUntil(() => second.commands.length === 1, "command after the restart");
    expect(second.commands).toEqual(['{"mission":"M-1"}']);
  });

  it("shows offline with a retry delay while the broker is down, then reconnects and re-announces", async () => {
    const { link, statuses } = car("BDX-08");
    link.start();
    await waitUntil(() => link.isConnected(), "connected");
    await broker.stop();
    await waitUntil(() => link.status().state === "offline", "offline");
    await expect(link.publish("status", "{}", { qos: 1, retain: true })).rejects.toThrow(/not connected/);
    await waitUntil(() => statuses.filter((s) => s.state === "offline").length >= 3, "three failed attempts");
    const delays = statuses.flatMap((s) => (s.state === "offline" ? [s.retryInMs] : []));
    expect(delays.slice(0, 3)).toEqual([200, 400, 800]);
    const last = statuses.filter((s) => s.state === "offline").at(-1);
    expect(last?.state === "offline" && last.lastError).toMatch(/ECONNREFUSED/);
    await broker.startProcess();
    const watch = await observer();
    await waitUntil(() => link.isConnected(), "reconnected");
    // The retained birth after the restart is a new one, published by this connection.
    await waitUntil(
      () =>
        watch
          .presences("BDX-08")
          .some((p) => p.body.state === "online" && Date.parse(p.ts) > (last?.since ?? 0)),
      "new birth",
    );
  });
});

/** The car as a separate Node process (the core runs as its own service), for a real kill. */
function spawnCar(vehicle: string): ChildProcess {
  const code = `
    const { MqttDispatchLink } = await import(${JSON.stringify(new URL("../../../src/transport/mqtt-dispatch-link.ts", import.meta.url).pathname)});
    const { pino } = await import("pino");
    const link = new MqttDispatchLink({ fleet: "bordeaux", vehicle: ${JSON.stringify(vehicle)}, url: ${JSON.stringify(broker.url)},
      logger: pino({ level: "silent" }), clock: { now: () => Date.now(), monotonic: () => performance.now() }, appVersion: "1.2.3" });
    link.start();
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  cleanups.push(() => child.kill("SIGKILL"));
  return child;
}
