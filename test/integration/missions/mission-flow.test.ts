/**
 * Acceptance (issue 4): a scripted dispatch against a real mosquitto and a real Core (SQLite in a
 * temp dir, positions replayed from a drive capture through the GNSS pipeline). The car acknowledges
 * `received`, the doctor's actions go accept → en_route → on_scene → with_patient → visit_done →
 * report, dispatch receives every message once, in seq order, with the right keys and positions; a
 * second mission gets its address changed by `mission.update`, then ends cleanly on `mission.cancel`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureText } from "../../../apps/sim/drive/capture.ts";
import { Core } from "../../../src/app/core.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { loadVehicleProfile } from "../../../src/app/profile-loader.ts";
import { configSchema } from "../../../src/contracts/config.ts";
import { carMessageSchema } from "../../../src/contracts/messages.ts";
import { FileLineSource } from "../../../src/io/file-line-source.ts";
import { systemClock } from "../../../src/services/ports.ts";
import { assignBody, commandPayload, missionTopic, reportSummary } from "../../support/mission-dispatch.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";

const root = join(import.meta.dirname, "../../..");
const logger = createLogger({ name: "mission-flow-test", level: "silent" });

interface Received {
  id: string;
  type: string;
  seq?: number;
  body: Record<string, unknown>;
}

describe("mission flow through a real broker", () => {
  let broker: Mosquitto;
  let dir: string;
  let dispatch: mqtt.MqttClient;
  let core: Core;
  const received: Received[] = [];

  beforeAll(async () => {
    broker = await Mosquitto.start();
    dir = mkdtempSync(join(tmpdir(), "sosm-mission-flow-"));
  });
  afterAll(async () => {
    await core?.stop();
    await dispatch?.endAsync();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (type: string, body: unknown) =>
    dispatch.publishAsync(missionTopic, commandPayload(type, body), { qos: 1 });
  const durable = () => received.filter((m) => m.seq !== undefined);
  const has = (predicate: (m: Received) => boolean) => received.some(predicate);
  const ok = <T extends { ok: boolean }>(result: T): T => {
    expect(result.ok, JSON.stringify(result)).toBe(true);
    return result;
  };

  it("drives two missions end to end, and dispatch sees every step once, in order, with positions", async () => {
    const capture = join(dir, "drive.nmea");
    writeFileSync(capture, captureText({ durationS: 1800, outages: [] }));
    const config = configSchema.parse({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: "bdx-07",
      dataDir: join(dir, "data"),
      equipment: { port: join(dir, "no-controller") },
      mqtt: { url: broker.url, keepaliveSeconds: 5, reconnectMaxSeconds: 1 },
    });
    core = new Core({
      config,
      profile: loadVehicleProfile(join(root, "hardware/profiles/bdx-07.json")),
      logger,
      clock: systemClock,
      // About ten fixes a second, for three minutes: always a fresh position.
      gnssSource: new FileLineSource({ path: capture, logger, pacing: { kind: "rate", linesPerSecond: 70 } }),
    });
    dispatch = await mqtt.connectAsync(broker.url, { clientId: "sosm-dispatch-flow", protocolVersion: 5 });
    dispatch.on("message", (_topic, payload) => received.push(JSON.parse(payload.toString()) as Received));
    await dispatch.subscribeAsync("sosm/v1/bordeaux/BDX-07/+", { qos: 1 });
    core.start();
    await waitUntil(() => core.dispatch.link.isConnected(), "the car connected", 15_000);
    await waitUntil(() => core.missions.currentPosition() !== null, "a first fix", 15_000);
    const { desk, status, reports } = core.missions;

    // Mission 1, the whole visit.
    await send("mission.assign", assignBody("M-100"));
    await waitUntil(
      () => has((m) => m.type === "mission.ack" && m.body.state === "received"),
      "ack received",
    );
    ok(desk.displayed("M-100"));
    ok(desk.accept("M-100"));
    for (const key of ["en_route", "on_scene", "with_patient", "visit_done"] as const)
      ok(status.setStatus(key));
    const report = ok(reports.submit("M-100", { outcome: "treated_at_home", summary: reportSummary }));
    await waitUntil(() => has((m) => m.type === "report"), "the report at dispatch");
    const reportId = report.ok ? report.report.messageId : "";
    await send("ack", { ref: reportId });
    await waitUntil(() => desk.get("M-100")?.state === "closed", "mission closed on dispatch's ack", 10_000);
    expect(reports.get("M-100")?.delivery).toBe("received");

    // Mission 2: the address changes on the way, then dispatch cancels it.
    ok(status.setStatus("available"));
    await send("mission.assign", assignBody("M-101"));
    await waitUntil(() => desk.get("M-101")?.state === "received", "second mission received");
    ok(desk.accept("M-101"));
    ok(status.setStatus("en_route"));
    await send("mission.update", {
      missionId: "M-101",
      address: { text: "3 place de la Bourse, 33000 Bordeaux" },
    });
    await waitUntil(
      () => desk.get("M-101")?.details.address.text.startsWith("3 place") === true,
      "address updated",
    );
    expect(status.setStatus("available").ok).toBe(false); // mission open
    await send("mission.cancel", { missionId: "M-101", reason: "Patient transporté par sa famille" });
    await waitUntil(() => desk.get("M-101")?.state === "cancelled", "second mission cancelled");
    ok(status.setStatus("available"));
    await waitUntil(
      () => durable().filter((m) => m.type === "status").length === 7,
      "every status at dispatch",
    );

    // Every durable message once (by id; the equipment's share the seq), in seq order without a gap, all valid, none refused.
    const messages = durable();
    expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
    const seqs = messages.map((m) => m.seq ?? 0);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 0) + i));
    for (const message of messages) expect(carMessageSchema.safeParse(message).success).toBe(true);
    const missionTypes = new Set(["mission.ack", "status", "report", "rejected"]);
    expect(
      messages
        .filter((m) => missionTypes.has(m.type))
        .map((m) =>
          m.type === "status"
            ? `status ${m.body.code} ${m.body.key} ${m.body.missionId ?? "-"}`
            : `${m.type} ${m.body.missionId} ${m.body.state ?? m.body.outcome}`,
        ),
    ).toEqual([
      "mission.ack M-100 received",
      "mission.ack M-100 displayed",
      "mission.ack M-100 accepted",
      "status 3 en_route M-100",
      "status 4 on_scene M-100",
      "status 7 with_patient M-100",
      "status 8 visit_done M-100",
      "report M-100 treated_at_home",
      "status 1 available -",
      "mission.ack M-101 received",
      "mission.ack M-101 displayed",
      "mission.ack M-101 accepted",
      "status 3 en_route M-101",
      "status 1 available -",
    ]);
    // Each status carries the position the car stored with it, inside the drive's area.
    const history = new Map(status.history().map((s) => [s.messageId, s]));
    for (const message of messages.filter((m) => m.type === "status")) {
      const stored = history.get(message.id);
      expect(message.body.lat).toBe(stored?.lat);
      expect(message.body.lon).toBe(stored?.lon);
      expect(typeof message.body.lat).toBe("number");
    }
    // The timeline keeps every step of the first mission with its position.
    const timeline = desk.timeline("M-100");
    expect(timeline.map((entry) => entry.state)).toEqual([
      "assigned",
      "received",
      "displayed",
      "accepted",
      "en_route",
      "on_scene",
      "with_patient",
      "visit_done",
      "reported",
      "closed",
    ]);
    expect(timeline.filter((entry) => entry.lat === null)).toEqual([]);
  }, 90_000);
});
