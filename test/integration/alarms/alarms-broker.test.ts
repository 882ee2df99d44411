/**
 * Issue 4 acceptance, "one real-time test with short timers through the broker": the alarms with
 * the real dispatch connection (MQTT link, durable outbox and its publisher, command inbox) through a
 * real mosquitto, in real time, with short timers (repeat 200 ms, lone worker 500 ms, pre-alarm
 * 300 ms). A scripted dispatch sees the panic alarm with its position and its repeats, acknowledges
 * one, and the repeats stop; then the lone-worker alarm arrives after its countdown.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import mqtt from "mqtt";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlarmsFeature } from "../../../src/app/alarms-feature.ts";
import { DispatchConnection } from "../../../src/app/dispatch-connection.ts";
import { configSchema } from "../../../src/contracts/config.ts";
import type { AlarmOverview } from "../../../src/services/alarm-views.ts";
import { systemClock } from "../../../src/services/ports.ts";
import { SqliteAlarmStore } from "../../../src/store/alarm-repository.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { TrackRepository } from "../../../src/store/track-repository.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { waitUntil } from "../../support/socat.ts";
import { type AlarmBody, ackPayload, allMigrations, cmdTopic } from "./alarm-car.ts";

interface Received {
  id: string;
  seq: number;
  type: string;
  body: AlarmBody;
}

describe("alarms through a real broker, in real time", () => {
  let broker: Mosquitto;
  let dir: string;
  let db: Database.Database;
  let dispatch: mqtt.MqttClient;
  let connection: DispatchConnection;
  let alarms: AlarmsFeature;
  let track: TrackRepository;
  const received: Received[] = [];
  const overviews: AlarmOverview[] = [];
  const alarmEvents = (alarmId: string) => {
    const byId = new Map<string, Received>();
    for (const message of received) if (message.body.alarmId === alarmId) byId.set(message.id, message);
    return [...byId.values()].sort((a, b) => a.seq - b.seq);
  };
  const fixNow = (lat: number, lon: number) => {
    const receivedAt = Date.now();
    track.append([{ fix: { fixTime: new Date(receivedAt).toISOString(), lat, lon, fix: "3d" }, receivedAt }]);
  };

  beforeAll(async () => {
    broker = await Mosquitto.start();
    dir = mkdtempSync(join(tmpdir(), "sosm-alarms-broker-"));
    dispatch = await mqtt.connectAsync(broker.url, { clientId: "sosm-dispatch-alarms", protocolVersion: 5 });
    dispatch.on("message", (_topic, payload) => {
      const message = JSON.parse(payload.toString()) as Received;
      if (message.type === "alarm") received.push(message);
    });
    await dispatch.subscribeAsync("sosm/v1/bordeaux/BDX-07/events", { qos: 1 });

    const config = configSchema.parse({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: "bdx-07",
      dataDir: dir,
      mqtt: { url: broker.url },
    });
    const logger = pino({ level: "silent" });
    db = openDatabase({
      path: join(dir, "core.sqlite"),
      synchronous: "FULL",
      logger,
      migrations: allMigrations,
    }).db;
    track = new TrackRepository(db);
    connection = new DispatchConnection({
      config,
      db,
      track,
      // No GNSS line in this test: fixes go straight into the track, which is what alarms read.
      fixes: { onFix: () => () => {} },
      clock: systemClock,
      logger,
    });
    alarms = new AlarmsFeature({
      db,
      outbox: connection.outbox,
      unitOfWork: connection.outbox,
      deliveries: connection.outbox,
      track,
      clock: systemClock,
      logger,
      config,
      timings: { repeatMs: 200, loneWorkerMs: 500, extendMs: 500, preAlarmMs: 300 },
      onEnqueued: () => connection.publisher.kick(),
    });
    alarms.service.onChange((overview) => overviews.push(overview));
    connection.start();
    alarms.start();
  });

  afterAll(async () => {
    alarms?.stop();
    await connection?.stop();
    db?.close();
    await dispatch?.endAsync();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers the panic alarm with its position and repeats until dispatch's ack", async () => {
    fixNow(44.8378, -0.5792);
    const { alarmId } = alarms.service.panic();
    await waitUntil(() => alarmEvents(alarmId).length >= 1, "the panic alarm at dispatch", 15_000);
    expect(alarmEvents(alarmId)[0]?.body).toEqual({
      alarmId,
      kind: "panic",
      state: "raised",
      lat: 44.8378,
      lon: -0.5792,
    });

    fixNow(44.8391, -0.5771);
    await waitUntil(() => alarmEvents(alarmId).length >= 4, "three position repeats", 15_000);
    const repeats = alarmEvents(alarmId).slice(1);
    expect(repeats.every((m) => m.body.state === "raised" && m.body.alarmId === alarmId)).toBe(true);
    expect(repeats.at(-1)?.body).toMatchObject({ lat: 44.8391, lon: -0.5771 });

    // Dispatch acknowledges the second event (any event of the alarm acknowledges it).
    const acked = alarmEvents(alarmId)[1]?.id ?? "";
    await dispatch.publishAsync(cmdTopic, ackPayload(acked), { qos: 1 });
    await waitUntil(
      () => connection.outbox.stateOf(acked)?.state === "received",
      "the ack applied by the car",
      15_000,
    );
    // From here the delivery log says "received": no repeat is enqueued any more.
    const store = new SqliteAlarmStore(db);
    const sentBeforeAck = store.events(alarmId).length;
    await waitUntil(
      () => alarms.service.active().alarms[0]?.phase === "acknowledged",
      "the alarm acknowledged",
      15_000,
    );
    expect(alarms.service.active().alarms[0]).toMatchObject({ delivery: "received", nextRepeatAt: null });
    expect(store.events(alarmId)).toHaveLength(sentBeforeAck);

    // The cancel goes out after everything else (seq order): once dispatch has it, it has them all.
    expect(await alarms.service.cancel(alarmId)).toMatchObject({ ok: true });
    await waitUntil(
      () => alarmEvents(alarmId).some((m) => m.body.state === "cancelled"),
      "the cancel at dispatch",
      15_000,
    );
    const atDispatch = alarmEvents(alarmId);
    expect(atDispatch.map((m) => m.body.state)).toEqual([
      ...Array.from({ length: sentBeforeAck }, () => "raised"),
      "cancelled",
    ]);
  });

  it("sends the lone-worker alarm with its position after the timer and the countdown", async () => {
    fixNow(44.8412, -0.5803);
    const onSceneAt = Date.now();
    alarms.service.onStatusChange("on_scene", onSceneAt);
    await waitUntil(
      () => received.some((m) => m.body.kind === "lone_worker"),
      "the lone-worker alarm at dispatch",
      15_000,
    );
    const alarm = received.find((m) => m.body.kind === "lone_worker");
    expect(alarm?.body).toMatchObject({ state: "raised", lat: 44.8412, lon: -0.5803 });
    // The countdown was shown first, and the alarm never left before timer + countdown.
    const countdown = overviews.findIndex((o) => o.loneWorker.phase === "pre_alarm");
    const raised = overviews.findIndex((o) => o.alarms.some((a) => a.kind === "lone_worker"));
    expect(countdown).toBeGreaterThanOrEqual(0);
    expect(raised).toBeGreaterThan(countdown);
    const view = alarms.service.active().alarms.find((a) => a.kind === "lone_worker");
    expect((view?.raisedAt ?? 0) - onSceneAt).toBeGreaterThanOrEqual(800);
  });
});
