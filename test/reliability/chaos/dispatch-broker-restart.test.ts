/**
 * Regression found by the chaos suite: after a restart of mosquitto (2.0), dispatch's persistent
 * sessions come back (`sessionPresent: true`) WITHOUT their shared subscriptions. Dispatch used to
 * subscribe only when the session was new, so it stayed deaf for ever while the broker PUBACKed the
 * cars' events and dropped them. Dispatch now subscribes at every connect.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { carEnvelope } from "../../../src/contracts/car-envelope.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

let broker: Mosquitto;
let dispatch: DispatchService;
let dir: string;

beforeAll(async () => {
  broker = await Mosquitto.start();
  dir = mkdtempSync(join(tmpdir(), "sosm-dispatch-restart-"));
  dispatch = await DispatchService.start({
    fleet: "bordeaux",
    mqttUrl: broker.url,
    protocolVersion: 5,
    dataDir: dir,
    http: { port: 0 },
    logger: createLogger({ name: "dispatch-restart-test", level: "silent" }),
    mqttClientOptions: { reconnectPeriod: 200 },
  });
  await dispatch.mqtt.ready();
});

afterAll(async () => {
  await dispatch?.stop();
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stored = (id: string) =>
  dispatch.db.prepare("SELECT count(*) AS n FROM received WHERE id = ?").get(id.toLowerCase()) as {
    n: number;
  };

async function sendMessage(seq: number): Promise<string> {
  const car = await mqtt.connectAsync(broker.url, { clientId: `car-${seq}`, protocolVersion: 5 });
  const message = carEnvelope({
    type: "message",
    body: { text: `n° ${seq}` },
    src: "BDX-07",
    now: Date.now(),
    seq,
  });
  await car.publishAsync("sosm/v1/bordeaux/BDX-07/events", JSON.stringify(message), { qos: 1 });
  await car.endAsync();
  return message.id;
}

describe("dispatch across broker restarts", () => {
  it.each([
    ["a kill -9", "SIGKILL"],
    ["a clean stop", "SIGTERM"],
  ] as const)("keeps receiving the cars' events after %s of the broker", async (_what, signal) => {
    const before = await sendMessage(signal === "SIGKILL" ? 1 : 3);
    await waitUntil(() => stored(before).n === 1, "the event before the restart", 15_000);
    // mosquitto saves its persistence every second (test/support/mosquitto.ts): let it save the sessions.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await broker.stop(signal);
    await broker.startProcess();
    await waitUntil(() => dispatch.mqtt.connected, "dispatch reconnected", 15_000);
    // A car that publishes before dispatch's SUBACK loses that message (the car re-sends until acked):
    // what matters here is that dispatch is not deaf for ever, so keep sending until one is stored.
    const sent: string[] = [];
    for (let n = 0; n < 30 && !sent.some((id) => stored(id).n === 1); n++) {
      sent.push(await sendMessage(100 * (signal === "SIGKILL" ? 1 : 2) + n));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(sent.some((id) => stored(id).n === 1)).toBe(true);
  });
});
