/**
 * The car must keep hearing dispatch after a broker that restarts without its sessions: mosquitto
 * without persistence, killed -9 (a power cut of the broker host), then started fresh on the same
 * port. The car's persistent session is gone (CONNACK sessionPresent: false) and with it the
 * subscriptions to its command topics, so a mission sent afterwards reaches the car only if the
 * car subscribes again by itself.
 */
import mqtt, { type IConnackPacket, type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/services/ports.ts";
import { MqttDispatchLink } from "../../../src/transport/mqtt-dispatch-link.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

const logger = pino({ level: "silent" });
const ownCmd = "sosm/v1/bordeaux/BDX-09/cmd";
const fleetCmd = "sosm/v1/bordeaux/_all/cmd";

describe("command subscriptions across a broker restart that lost the sessions", () => {
  let broker: Mosquitto;
  let link: MqttDispatchLink;
  const connacks: IConnackPacket[] = [];
  const commands: Array<{ topic: string; payload: string }> = [];

  beforeAll(async () => {
    // The support helper turns persistence on; a later line of mosquitto.conf overrides it.
    broker = await Mosquitto.start({ extraConfig: ["persistence false"] });
    link = new MqttDispatchLink({
      fleet: "bordeaux",
      vehicle: "BDX-09",
      url: broker.url,
      logger,
      clock: systemClock,
      appVersion: "1.2.3",
      backoff: { initialMs: 200, factor: 2, maxMs: 1000 },
      connect: (url, options) => {
        const client: MqttClient = mqtt.connect(url, options);
        client.on("connect", (connack) => connacks.push(connack));
        return client;
      },
    });
    link.onCommand((topic, payload) => commands.push({ topic, payload: payload.toString() }));
  });
  afterAll(async () => {
    await link?.stop();
    await broker?.close();
  });

  /**
   * Publishes the command from a dispatch client until the car has it. The car subscribes right
   * after its CONNACK, so the first copy may reach the broker before that SUBSCRIBE; a car that
   * never subscribes again gets none of the copies.
   */
  async function dispatchUntilReceived(topic: string, payload: string): Promise<void> {
    const dispatch = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      const deadline = Date.now() + 8000;
      while (!commands.some((c) => c.topic === topic && c.payload === payload) && Date.now() < deadline) {
        await dispatch.publishAsync(topic, payload, { qos: 1 });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await dispatch.endAsync();
    }
  }

  it("receives dispatch's commands after the broker was killed and started fresh on the same port", async () => {
    link.start();
    await waitUntil(() => link.isConnected(), "the car connected");
    await waitUntil(() => link.subscriptions().get(ownCmd) === 1, "SUBACK of the car's command topic");
    await dispatchUntilReceived(ownCmd, '{"mission":"M-1"}');
    expect(commands.map((c) => c.payload)).toContain('{"mission":"M-1"}');

    await broker.stop("SIGKILL");
    await waitUntil(() => link.status().state === "offline", "the car notices the broker is gone");
    await broker.startProcess();
    await waitUntil(() => connacks.length === 2 && link.isConnected(), "the car reconnected", 15_000);
    // The scenario under test: the fresh broker does not know the car's session.
    expect(connacks[1]?.sessionPresent).toBe(false);

    await dispatchUntilReceived(ownCmd, '{"mission":"M-2"}');
    await dispatchUntilReceived(fleetCmd, '{"broadcast":"B-1"}');
    expect(commands).toContainEqual({ topic: ownCmd, payload: '{"mission":"M-2"}' });
    expect(commands).toContainEqual({ topic: fleetCmd, payload: '{"broadcast":"B-1"}' });
  }, 60_000);
});
