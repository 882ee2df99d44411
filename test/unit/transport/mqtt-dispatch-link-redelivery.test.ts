/**
 * Found by the chaos suite (test/reliability/chaos): a mission assigned during a full disk never
 * reached the doctor. The inbox could not store it, but mqtt.js sent the PUBACK anyway, so the broker
 * forgot it. Now a command a listener could not store gets no PUBACK, and the connection is dropped
 * so that the broker delivers it again.
 */
import { EventEmitter } from "node:events";
import type { IClientOptions, IPublishPacket } from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MqttClientLike } from "../../../src/transport/mqtt-client-like.ts";
import { MqttDispatchLink } from "../../../src/transport/mqtt-dispatch-link.ts";

const ownCmd = "sosm/v1/bordeaux/BDX-07/cmd";

/** Plays mqtt.js for one incoming QoS 1 packet: the `message` event, then handleMessage → PUBACK or not. */
class Client extends EventEmitter implements MqttClientLike {
  connected = false;
  outgoing = {};
  destroyed = 0;
  handleMessage?: (packet: IPublishPacket, callback: (error?: Error) => void) => void;
  readonly stream = { destroy: () => this.destroyed++ };
  constructor(readonly options: IClientOptions) {
    super();
  }
  connect() {}
  publish(_t: string, _p: string, _o: unknown, cb: (err?: Error) => void) {
    queueMicrotask(() => cb());
  }
  subscribe() {}
  removeOutgoingMessage() {}
  end(_force: boolean, callback: () => void) {
    callback();
  }
  /** Resolves true if mqtt.js would send the PUBACK. */
  deliver(payload: string): boolean {
    const packet = { cmd: "publish", topic: ownCmd, payload: Buffer.from(payload), qos: 1 } as IPublishPacket;
    this.emit("message", packet.topic, packet.payload, packet);
    let acked = false;
    this.handleMessage?.(packet, (error) => {
      acked = error === undefined;
    });
    return acked;
  }
}

describe("a command the car could not store", () => {
  afterEach(() => vi.useRealTimers());

  it("is not acknowledged, and the link reconnects so that the broker delivers it again", async () => {
    vi.useFakeTimers();
    let client: Client | null = null;
    const link = new MqttDispatchLink({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      url: "mqtt://broker.invalid",
      appVersion: "1.0.0",
      logger: pino({ level: "silent" }),
      clock: { now: () => 0, monotonic: () => 0 },
      connect: (_url, options) => {
        client = new Client(options);
        return client;
      },
    });
    let diskFull = true;
    link.onCommand(() => (diskFull ? "retry" : "handled"));
    link.onCommand(() => undefined); // another listener (the screen's nudge) has no say
    link.start();
    const c = client as unknown as Client;
    c.connected = true;
    c.emit("connect", { cmd: "connack", sessionPresent: true });

    expect(c.deliver("{}")).toBe(false);
    expect(c.destroyed).toBe(0);
    vi.advanceTimersByTime(2000);
    expect(c.destroyed).toBe(1);

    diskFull = false;
    expect(c.deliver("{}")).toBe(true);
    await link.stop();
  });
});
