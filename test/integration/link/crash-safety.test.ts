/**
 * Acceptance (issue 3): kill -9 the core between commit and PUBACK, 100 times at random points.
 * Afterwards every event has reached dispatch exactly once by id, in seq order, with no gap.
 *
 * Events are caused the way they are in the car: dispatch sends commands (QoS 1, persistent
 * session), and each one makes the car commit exactly one event together with the command's dedupe
 * row, in one transaction: each `mission.assign` gets its automatic `mission.ack received`.
 * `seq` counts every message of the car's outbox (PROTOCOL.md A), so the gap check reads every
 * outbox topic (events, status, equipment), not only the events.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newMessageId } from "../../../src/contracts/message-id.ts";
import { CarProcess } from "../../support/car-process.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

const kills = Number(process.env.SOSM_CRASH_KILLS ?? 100);

interface Received {
  id: string;
  seq?: number;
  type: string;
  body: { missionId?: string; state?: string };
}

const acks = (messages: Received[]) =>
  messages.filter((m) => m.type === "mission.ack" && m.body.state === "received");

describe("crash safety of the outbox", () => {
  let broker: Mosquitto;
  let dir: string;
  let dispatch: mqtt.MqttClient;
  const received: Received[] = [];

  beforeAll(async () => {
    broker = await Mosquitto.start();
    dir = mkdtempSync(join(tmpdir(), "sosm-crash-"));
    dispatch = await mqtt.connectAsync(broker.url, {
      clientId: "sosm-dispatch-test",
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
    });
    dispatch.on("message", (_topic, payload) => {
      const message = JSON.parse(payload.toString()) as Received;
      if (message.seq !== undefined) received.push(message); // live positions bypass the outbox
    });
    await dispatch.subscribeAsync("sosm/v1/bordeaux/BDX-07/+", { qos: 1 });
  });

  afterAll(async () => {
    await dispatch?.endAsync();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`delivers every event exactly once by id, in seq order, across ${kills} power cuts`, async () => {
    const car = new CarProcess({ dir, mqttUrl: broker.url, logLevel: "info" });
    const connections = () => car.output.split("connected to the broker").length - 1;
    const sent: string[] = [];
    const sendCommand = async () => {
      const missionId = `M-${sent.length + 1}`;
      sent.push(missionId);
      const command = {
        v: 1,
        id: newMessageId(Date.now()),
        type: "mission.assign",
        ts: new Date().toISOString(),
        src: "dispatch",
        body: { missionId, priority: "P2", reason: "Fièvre", address: { text: "12 rue Sainte-Catherine" } },
      };
      await dispatch.publishAsync("sosm/v1/bordeaux/BDX-07/cmd", JSON.stringify(command), { qos: 1 });
    };
    for (let round = 0; round < kills; round++) {
      const before = connections();
      car.start();
      // The persistent session exists once the car has connected; from then on the broker queues
      // commands for it while it is down. Commands keep coming while it runs and dies: some are
      // applied before the cut, some are in flight, some wait at the broker for the next start.
      if (round > 0) for (let k = 0; k < 2; k++) await sendCommand();
      await waitUntil(() => connections() > before, "the car connected", 20_000);
      for (let k = 0; k < 2; k++) await sendCommand();
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
      await car.kill();
    }
    car.start();
    try {
      const uniqueRefs = () => new Set(acks(received).map((m) => m.body.missionId)).size;
      await waitUntil(
        () => uniqueRefs() >= sent.length,
        `an event for each of ${sent.length} commands`,
        60_000,
      );
    } finally {
      await car.stop();
    }
    const byId = new Map<string, Received>();
    for (const message of received) byId.set(message.id, message);
    const events = [...byId.values()].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    // Exactly one event per command, and no command lost.
    expect(
      acks(events)
        .map((e) => e.body.missionId)
        .sort(),
    ).toEqual([...sent].sort());
    // seq runs 1..N without a gap (each event committed once, never twice).
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    // Arrival order: ignoring resends of an id already seen, events arrive in seq order.
    const firstArrivals: number[] = [];
    const seen = new Set<string>();
    for (const message of received) {
      if (seen.has(message.id)) continue;
      seen.add(message.id);
      firstArrivals.push(message.seq ?? 0);
    }
    expect(firstArrivals).toEqual([...firstArrivals].sort((a, b) => a - b));
    console.info(
      `crash safety: ${kills} kills, ${sent.length} commands, ${events.length} events, ${received.length - events.length} resends de-duplicated by id`,
    );
  }, 600_000);
});
