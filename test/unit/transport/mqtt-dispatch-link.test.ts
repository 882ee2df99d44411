import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import type { IClientOptions, ISubscriptionGrant, Packet } from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { presenceMessage } from "../../../src/contracts/messages.ts";
import type { DispatchLinkStatus } from "../../../src/services/dispatch-link.ts";
import type { Clock } from "../../../src/services/ports.ts";
import type { MqttClientLike } from "../../../src/transport/mqtt-client-like.ts";
import { MqttDispatchLink, type MqttDispatchLinkContext } from "../../../src/transport/mqtt-dispatch-link.ts";

const presenceTopic = "sosm/v1/bordeaux/BDX-07/presence";
const ownCmd = "sosm/v1/bordeaux/BDX-07/cmd";
const fleetCmd = "sosm/v1/bordeaux/_all/cmd";

type SubscribeCallback = (err: Error | null, granted?: ISubscriptionGrant[], packet?: Packet) => void;

/** mqtt.js's MqttClient as the link sees it: the test plays the broker by emitting its events. */
class FakeClient extends EventEmitter implements MqttClientLike {
  connected = false;
  outgoing: Record<number, { cmd: string; cb: (err?: Error) => void }> = {};
  published: Array<{ id: number; topic: string; payload: string; qos: 0 | 1; retain: boolean }> = [];
  subscriptions: Array<{ topics: Record<string, { qos: 0 | 1 }>; callback: SubscribeCallback }> = [];
  /** The reconnect delay mqtt.js would schedule at each close (it reads options at that moment). */
  scheduledDelays: number[] = [];
  messageListenersAtConnect = -1;
  ended = false;
  private nextId = 1;

  constructor(readonly options: IClientOptions) {
    super();
  }
  connect(): void {
    this.messageListenersAtConnect = this.listenerCount("message");
  }
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain: boolean }, cb: (err?: Error) => void) {
    const id = this.nextId++;
    this.published.push({ id, topic, payload, ...opts });
    if (opts.qos === 1) this.outgoing[id] = { cmd: "publish", cb };
    else queueMicrotask(() => cb());
  }
  subscribe(topics: Record<string, { qos: 0 | 1 }>, callback: SubscribeCallback): void {
    this.subscriptions.push({ topics, callback });
  }
  removeOutgoingMessage(id: number): void {
    const entry = this.outgoing[id];
    delete this.outgoing[id];
    entry?.cb(new Error("Message removed"));
  }
  end(_force: boolean, callback: () => void): void {
    this.ended = true;
    this.drop();
    callback();
  }
  // --- the broker's side ---
  accept(sessionPresent = false): void {
    this.connected = true;
    this.emit("connect", { cmd: "connack", sessionPresent, reasonCode: 0 });
  }
  puback(id: number, err?: Error): void {
    const entry = this.outgoing[id];
    delete this.outgoing[id];
    entry?.cb(err);
  }
  drop(error?: Error): void {
    if (error) this.emit("error", error);
    this.connected = false;
    this.scheduledDelays.push(this.options.reconnectPeriod ?? -1);
    this.emit("close");
  }
  retry(): void {
    this.emit("reconnect");
  }
  lastPublish() {
    const last = this.published.at(-1);
    if (!last) throw new Error("nothing published");
    return last;
  }
}

function capturingLogger() {
  const records: Array<Record<string, unknown> & { level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      records.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, sink), records };
}

const time = Date.parse("2026-11-23T21:04:05.123Z");
const clock: Clock = { now: () => time, monotonic: () => time };

const links: MqttDispatchLink[] = [];
afterEach(async () => {
  for (const link of links.splice(0)) await link.stop();
  vi.useRealTimers();
});

function setup(overrides: Partial<MqttDispatchLinkContext> = {}) {
  const clients: FakeClient[] = [];
  const { logger, records } = capturingLogger();
  const link = new MqttDispatchLink({
    fleet: "bordeaux",
    vehicle: "BDX-07",
    url: "mqtt://broker.invalid:1883",
    logger,
    clock,
    appVersion: "1.2.3",
    stopTimeoutMs: 50,
    connect: (_url, options) => {
      const client = new FakeClient(options);
      clients.push(client);
      return client;
    },
    ...overrides,
  });
  links.push(link);
  const statuses: DispatchLinkStatus[] = [];
  link.onStatus((s) => statuses.push(s));
  const client = (): FakeClient => {
    const c = clients.at(-1);
    if (!c) throw new Error("no client created");
    return c;
  };
  return { link, client, clients, statuses, records };
}

function parsePresence(payload: string | Buffer | undefined) {
  return presenceMessage.parse(JSON.parse(String(payload)));
}

describe("MqttDispatchLink connection options", () => {
  it("connects as sosm-{fleet}-{vehicle} with an MQTT 5 persistent session and no offline queue", () => {
    const { link, client } = setup();
    link.start();
    const o = client().options;
    expect(o.clientId).toBe("sosm-bordeaux-BDX-07");
    expect(o.protocolVersion).toBe(5);
    expect(o.clean).toBe(false);
    expect(o.properties?.sessionExpiryInterval).toBeGreaterThan(0);
    expect(o.queueQoSZero).toBe(false);
    expect(o.resubscribe).toBe(false);
    expect(o.reconnectPeriod).toBe(1000);
  });

  it("attaches the message handler before it connects", () => {
    const { link, client } = setup();
    link.start();
    expect(client().messageListenersAtConnect).toBe(1);
  });

  it("arms a retained QoS 1 offline will that validates as a presence envelope without seq", () => {
    const { link, client } = setup();
    link.start();
    const will = client().options.will;
    expect(will).toMatchObject({ topic: presenceTopic, qos: 1, retain: true });
    const message = parsePresence(will?.payload);
    expect(message).toMatchObject({
      type: "presence",
      src: "BDX-07",
      body: { state: "offline", app: "1.2.3" },
    });
    expect(message.seq).toBeUndefined();
    expect(message.ts).toBe("2026-11-23T21:04:05.123Z");
  });

  it("re-arms the will with a new id before each reconnect", () => {
    const { link, client } = setup();
    link.start();
    const first = parsePresence(client().options.will?.payload).id;
    client().drop();
    client().retry();
    const second = parsePresence(client().options.will?.payload).id;
    expect(second).not.toBe(first);
  });
});

describe("MqttDispatchLink presence and subscriptions", () => {
  it("publishes a retained QoS 1 online birth at every CONNACK, each with its own id", () => {
    const { link, client } = setup();
    link.start();
    client().accept();
    const birth = client().lastPublish();
    expect(birth).toMatchObject({ topic: presenceTopic, qos: 1, retain: true });
    const message = parsePresence(birth.payload);
    expect(message.body.state).toBe("online");
    expect(message.seq).toBeUndefined();
    client().drop();
    client().retry();
    client().accept(true);
    const births = client().published.filter((p) => p.topic === presenceTopic);
    expect(births).toHaveLength(2);
    expect(parsePresence(births[1]?.payload).id).not.toBe(message.id);
  });

  it("subscribes QoS 1 to exactly its own cmd and the fleet's _all/cmd", () => {
    const { link, client } = setup();
    link.start();
    client().accept();
    expect(client().subscriptions.map((s) => s.topics)).toEqual([
      { [ownCmd]: { qos: 1 }, [fleetCmd]: { qos: 1 } },
    ]);
  });

  it("records and logs a subscription the broker refuses (SUBACK 0x80)", () => {
    const { link, client, records } = setup();
    link.start();
    client().accept();
    const suback = { cmd: "suback", messageId: 1, granted: [1, 0x80] } as unknown as Packet;
    client().subscriptions[0]?.callback(new Error("Subscribe error: Unspecified error"), undefined, suback);
    expect([...link.subscriptions()]).toEqual([
      [ownCmd, 1],
      [fleetCmd, 0x80],
    ]);
    expect(records.find((r) => r.msg.includes("refused"))).toMatchObject({
      level: 50,
      topic: fleetCmd,
      code: 0x80,
    });
  });

  it("passes on commands from its two topics only, and isolates a failing listener", () => {
    const { link, client, records } = setup();
    const received: string[] = [];
    link.onCommand(() => {
      throw new Error("listener bug");
    });
    link.onCommand((topic) => received.push(topic));
    link.start();
    client().accept(true);
    client().emit("message", ownCmd, Buffer.from("{}"));
    client().emit("message", fleetCmd, Buffer.from("{}"));
    client().emit("message", "sosm/v1/bordeaux/BDX-08/cmd", Buffer.from("{}"));
    expect(received).toEqual([ownCmd, fleetCmd]);
    expect(records.filter((r) => r.msg === "error in an mqtt event handler")).toHaveLength(2);
  });
});

describe("MqttDispatchLink reconnection backoff", () => {
  it("doubles the reconnect delay from 1 s up to 60 s and shows it with the last error", () => {
    const { link, client, statuses } = setup();
    link.start();
    for (let i = 0; i < 9; i++) {
      client().drop(
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1883"), { code: "ECONNREFUSED" }),
      );
      client().retry();
    }
    const expected = [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000];
    expect(client().scheduledDelays).toEqual(expected);
    const offline = statuses.filter((s) => s.state === "offline");
    expect(offline.map((s) => s.retryInMs)).toEqual(expected);
    expect(offline.at(-1)?.lastError).toContain("ECONNREFUSED");
    expect(link.status().state).toBe("connecting");
  });

  it("resets the delay to 1 s after a CONNACK", () => {
    const { link, client, statuses } = setup();
    link.start();
    client().drop();
    client().drop();
    client().drop();
    client().accept();
    expect(link.status().state).toBe("connected");
    client().drop();
    expect(client().scheduledDelays).toEqual([1000, 2000, 4000, 1000]);
    expect(statuses.at(-1)).toMatchObject({ state: "offline", retryInMs: 1000 });
  });

  it("retries with backoff when a TLS file cannot be read, naming the file", () => {
    vi.useFakeTimers();
    const { link, clients, statuses } = setup({
      url: "mqtts://broker.invalid",
      tls: { ca: "/nonexistent/ca.crt" },
    });
    link.start();
    expect(clients).toHaveLength(0);
    expect(statuses.at(-1)).toMatchObject({ state: "offline", retryInMs: 1000 });
    expect(link.status().state === "offline" && link.status()).toMatchObject({
      lastError: expect.stringContaining("mqtt.tls.ca /nonexistent/ca.crt"),
    });
    vi.advanceTimersByTime(1000);
    expect(statuses.at(-1)).toMatchObject({ state: "offline", retryInMs: 2000 });
  });
});

describe("MqttDispatchLink publish", () => {
  it("rejects at once while offline, without handing anything to mqtt.js", async () => {
    const { link, client } = setup();
    await expect(link.publish("status", "{}", { qos: 1, retain: true })).rejects.toThrow(/not connected/);
    link.start();
    await expect(link.publish("status", "{}", { qos: 1, retain: true })).rejects.toThrow(/not connected/);
    client().accept();
    client().drop();
    await expect(link.publish("events", "{}", { qos: 1, retain: false })).rejects.toThrow(/not connected/);
    expect(client().published.filter((p) => p.topic !== presenceTopic)).toEqual([]);
  });

  it("resolves on PUBACK and rejects on a PUBACK error", async () => {
    const { link, client } = setup();
    link.start();
    client().accept();
    const ok = link.publish("status", '{"a":1}', { qos: 1, retain: true });
    expect(client().lastPublish()).toMatchObject({
      topic: "sosm/v1/bordeaux/BDX-07/status",
      qos: 1,
      retain: true,
    });
    client().puback(client().lastPublish().id);
    await expect(ok).resolves.toBeUndefined();
    const denied = link.publish("events", "{}", { qos: 1, retain: false });
    client().puback(client().lastPublish().id, new Error("Publish error: Not authorized"));
    await expect(denied).rejects.toThrow(/Not authorized/);
  });

  it("rejects publishes awaiting their PUBACK when the connection drops, and removes mqtt.js's copy", async () => {
    const { link, client } = setup();
    link.start();
    client().accept();
    const pending = link.publish("events", "{}", { qos: 1, retain: false });
    client().drop();
    await expect(pending).rejects.toThrow(/closed before the PUBACK/);
    expect(client().outgoing).toEqual({});
  });

  it("refuses a payload over 64 KiB before sending, counting UTF-8 bytes", async () => {
    const { link, client } = setup();
    link.start();
    client().accept();
    const before = client().published.length;
    await expect(link.publish("track", "x".repeat(65_537), { qos: 1, retain: false })).rejects.toThrow(
      /65537 bytes/,
    );
    await expect(link.publish("track", "é".repeat(32_769), { qos: 1, retain: false })).rejects.toThrow(
      /65538 bytes/,
    );
    expect(client().published.length).toBe(before);
    const exact = link.publish("track", "x".repeat(65_536), { qos: 0, retain: false });
    await expect(exact).resolves.toBeUndefined();
  });
});

describe("MqttDispatchLink stop", () => {
  it("publishes a retained offline presence, then ends the client and stays stopped", async () => {
    const { link, client, statuses } = setup();
    link.start();
    client().accept();
    const stopping = link.stop();
    const offline = client().lastPublish();
    expect(offline).toMatchObject({ topic: presenceTopic, qos: 1, retain: true });
    expect(parsePresence(offline.payload).body.state).toBe("offline");
    client().puback(offline.id);
    await stopping;
    expect(client().ended).toBe(true);
    expect(link.status().state).toBe("stopped");
    expect(statuses.filter((s) => s.state === "offline")).toEqual([]);
  });

  it("still stops when the offline presence gets no PUBACK", async () => {
    const { link, client } = setup();
    link.start();
    client().accept();
    await link.stop();
    expect(client().ended).toBe(true);
    expect(link.status().state).toBe("stopped");
  });

  it("never throws out of an event when a status listener fails", () => {
    const { link, client, records } = setup();
    link.onStatus(() => {
      throw new Error("ui bug");
    });
    link.start();
    expect(() => client().accept()).not.toThrow();
    expect(link.isConnected()).toBe(true);
    expect(records.some((r) => r.msg === "error in an mqtt event handler")).toBe(true);
  });
});
