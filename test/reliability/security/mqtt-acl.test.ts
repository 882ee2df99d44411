/**
 * The shipped broker configuration (hardware/mosquitto/mosquitto.conf and acl) on a real mosquitto,
 * with TLS and dev certificates from make-dev-certs.sh (tls-fleet.ts). DESIGN.md §4: a vehicle may
 * only publish and subscribe under its own prefix. Moved here from test/integration/transport/ for
 * issue 9's security suite; car-impersonation.test.ts adds what the broker alone cannot stop.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type IClientOptions } from "mqtt";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { carEnvelope } from "../../../src/contracts/car-envelope.ts";
import { waitUntil } from "../../support/socat.ts";
import {
  carA,
  carB,
  collect,
  dispatchIdentity as dispatch,
  hardware,
  sleep,
  stranger,
  TlsFleet,
} from "./tls-fleet.ts";

const logger = pino({ level: "silent" });

let fleet: TlsFleet;
let url: string;

beforeAll(async () => {
  fleet = await TlsFleet.start();
  url = fleet.url;
});

afterAll(async () => {
  await fleet?.close();
});

afterEach(async () => {
  await fleet.cleanup();
});

const identity = (name: string) => fleet.identity(name);
const connectAs = (name: string, options: IClientOptions = {}) => fleet.connectAs(name, options);

describe("the shipped mosquitto ACL with per-vehicle certificates", () => {
  it("is what make-acl.sh generates for the example roster", () => {
    const generated = execFileSync(join(hardware, "make-acl.sh"), ["bordeaux/BDX-07", "bordeaux/BDX-08"]);
    expect(generated.toString()).toBe(readFileSync(join(hardware, "acl"), "utf8"));
  });

  it("refuses a roster where two cars would share one certificate identity", () => {
    // sosm-a-b-c is fleet a-b / vehicle c and fleet a / vehicle b-c: one certificate, two prefixes.
    const run = () => execFileSync(join(hardware, "make-acl.sh"), ["a-b/c", "a/b-c"], { stdio: "pipe" });
    expect(run).toThrow(/ambiguous/);
  });

  it("lets car A connect over TLS, announce itself and publish its own topics", async () => {
    const dispatchClient = await connectAs(dispatch);
    const seen = collect(dispatchClient);
    await dispatchClient.subscribeAsync("sosm/v1/#", { qos: 1 });
    const { link } = fleet.carLink("BDX-07", carA);
    link.start();
    await waitUntil(() => link.isConnected(), "car A connected");
    await waitUntil(() => [...link.subscriptions().values()].every((code) => code === 1), "SUBACKs");
    for (const suffix of ["position", "track", "status", "equipment", "events"] as const) {
      await link.publish(suffix, `{"s":"${suffix}"}`, { qos: 1, retain: false });
    }
    await waitUntil(() => seen.length >= 6, "birth and five messages");
    expect(seen.map((m) => m.topic.split("/").at(-1))).toEqual([
      "presence",
      "position",
      "track",
      "status",
      "equipment",
      "events",
    ]);
  });

  it("refuses car A's publish into car B's topics, and B's subscriber never gets it", async () => {
    const b = await connectAs(carB);
    const bSeen = collect(b);
    await b.subscribeAsync("sosm/v1/bordeaux/BDX-08/cmd", { qos: 1 });
    const d = await connectAs(dispatch);
    const dSeen = collect(d);
    await d.subscribeAsync("sosm/v1/bordeaux/BDX-08/#", { qos: 1 });
    const a = await connectAs(carA);
    for (const topic of [
      "sosm/v1/bordeaux/BDX-08/status",
      "sosm/v1/bordeaux/BDX-08/cmd",
      "sosm/v1/bordeaux/_all/cmd",
    ]) {
      await expect(a.publishAsync(topic, "{}", { qos: 1 })).rejects.toMatchObject({ code: 135 });
    }
    await sleep(300);
    expect(bSeen).toEqual([]);
    expect(dSeen).toEqual([]);
  });

  it("never delivers car B's commands to car A, whatever A subscribes to", async () => {
    const a = await connectAs(carA);
    const aSeen = collect(a);
    // mosquitto 2.0 grants these SUBSCRIBEs and enforces read access at delivery instead.
    await a.subscribeAsync(["sosm/v1/bordeaux/BDX-08/cmd", "sosm/v1/#", "#"], { qos: 1 });
    const d = await connectAs(dispatch);
    await d.publishAsync("sosm/v1/bordeaux/BDX-08/cmd", '{"for":"B"}', { qos: 1 });
    await d.publishAsync("sosm/v1/bordeaux/BDX-07/cmd", '{"for":"A"}', { qos: 1 });
    await waitUntil(() => aSeen.length >= 2, "A's own command (twice: two matching subscriptions)");
    await sleep(200);
    expect(new Set(aSeen.map((m) => m.payload))).toEqual(new Set(['{"for":"A"}']));
  });

  it("does not let car A impersonate B with B's client id: no B topics, no B session, no kick", async () => {
    const b = fleet.carLink("BDX-08", carB);
    b.link.start();
    await waitUntil(() => b.link.subscriptions().get("sosm/v1/bordeaux/BDX-08/cmd") === 1, "B subscribed");
    await b.link.stop(); // B's persistent session now waits for it at the broker
    const d = await connectAs(dispatch);
    await d.publishAsync("sosm/v1/bordeaux/BDX-08/cmd", '{"queued":"for B"}', { qos: 1 });

    const impostor = await connectAs(carA, {
      clientId: "sosm-bordeaux-BDX-08",
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
    });
    const impostorSeen = collect(impostor);
    expect(impostor.connected).toBe(true);
    await expect(
      impostor.publishAsync("sosm/v1/bordeaux/BDX-08/presence", "{}", { qos: 1, retain: true }),
    ).rejects.toMatchObject({ code: 135 });
    await sleep(300);
    expect(impostorSeen).toEqual([]);

    const back = fleet.carLink("BDX-08", carB);
    back.link.start();
    await waitUntil(() => back.commands.length === 1, "B's queued command");
    expect(back.commands).toEqual(['{"queued":"for B"}']);
    await sleep(300);
    expect(back.link.isConnected()).toBe(true);
    expect(impostor.connected).toBe(true);
  });

  it("never publishes a will that car A arms on car B's presence", async () => {
    const d = await connectAs(dispatch);
    const seen = collect(d);
    await d.subscribeAsync("sosm/v1/bordeaux/BDX-08/presence", { qos: 1 });
    const forged = {
      topic: "sosm/v1/bordeaux/BDX-08/presence",
      payload: Buffer.from("{}"),
      qos: 1 as const,
      retain: true,
    };
    const a = await connectAs(carA, { will: forged });
    a.stream.destroy();
    await sleep(500);
    expect(seen.filter((m) => m.payload === "{}")).toEqual([]);
  });

  it("lets dispatch read every car and command a car and the fleet, but not write car topics", async () => {
    const { link, commands } = fleet.carLink("BDX-07", carA);
    link.start();
    await waitUntil(() => [...link.subscriptions().values()].every((code) => code === 1), "car subscribed");
    const d = await connectAs(dispatch);
    const seen = collect(d);
    await d.subscribeAsync("sosm/v1/#", { qos: 1 });
    await waitUntil(() => seen.some((m) => m.topic === "sosm/v1/bordeaux/BDX-07/presence"), "retained birth");
    await d.publishAsync("sosm/v1/bordeaux/BDX-07/cmd", '{"to":"car"}', { qos: 1 });
    await d.publishAsync("sosm/v1/bordeaux/_all/cmd", '{"to":"fleet"}', { qos: 1 });
    await waitUntil(() => commands.length === 2, "two commands");
    expect(commands).toEqual(['{"to":"car"}', '{"to":"fleet"}']);
    await expect(d.publishAsync("sosm/v1/bordeaux/BDX-07/status", "{}", { qos: 1 })).rejects.toMatchObject({
      code: 135,
    });
  });

  it("lets the dispatch service run on its identity: shared subscriptions, a car's event stored and acked", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "sosm-acl-dispatch-"));
    fleet.onCleanup(() => rmSync(dataDir, { recursive: true, force: true }));
    // One connection: the shipped config forces the client id to the certificate's name.
    const service = await DispatchService.start({
      fleet: "bordeaux",
      mqttUrl: url,
      protocolVersion: 5,
      durableConnections: 0,
      mqttClientOptions: identity(dispatch),
      dataDir,
      http: { port: 0 },
      logger,
    });
    fleet.onCleanup(() => service.stop());
    await service.mqtt.ready();
    await service.mqtt.caughtUp;
    const car = await connectAs(carA);
    const commands = collect(car);
    await car.subscribeAsync("sosm/v1/bordeaux/BDX-07/cmd", { qos: 1 });
    const event = carEnvelope({
      type: "message",
      src: "BDX-07",
      now: Date.now(),
      seq: 1,
      body: { text: "Bonjour" },
    });
    await car.publishAsync("sosm/v1/bordeaux/BDX-07/events", JSON.stringify(event), { qos: 1 });
    await waitUntil(() => commands.some((m) => m.payload.includes(event.id)), "the ack at the car", 10_000);
    expect(service.queries.messages("BDX-07").map((m) => m.text)).toEqual(["Bonjour"]);
  });

  it("gives a CA-signed certificate that is not in the roster no topic at all", async () => {
    const s = await connectAs(stranger);
    await expect(s.publishAsync("sosm/v1/bordeaux/BDX-99/status", "{}", { qos: 1 })).rejects.toMatchObject({
      code: 135,
    });
  });

  it("refuses plain TCP and TLS without a client certificate", async () => {
    const attempt = (target: string, options: IClientOptions) =>
      mqtt.connectAsync(target, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000, ...options });
    await expect(attempt(`mqtt://127.0.0.1:${fleet.broker.port}`, {})).rejects.toThrow();
    const { ca } = identity(carA);
    await expect(attempt(url, { ca })).rejects.toThrow(/certificate required|socket hang up|ECONNRESET/);
  });
});
