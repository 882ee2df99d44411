/**
 * RabbitMQ goes away while cars keep changing status: a clean stop, then a crash (kill -9), each
 * restarted on the same data. Nothing is lost and nothing is duplicated: after de-duplication by
 * distributionID (the receiver's contract), the queue holds exactly one RS-SR per status the cars
 * sent, and every copy of a distributionID is the same bytes. Prints the measured figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { RabbitMq } from "../../support/rabbitmq.ts";
import {
  declareHub,
  eventually,
  HubQueueReader,
  inner,
  rsSrKey,
  StatusCar,
  startHubDispatch,
} from "./hub-rig.ts";

let broker: Mosquitto;
let rabbit: RabbitMq;
let dir: string;
let dispatch: DispatchService;
let cars: StatusCar[] = [];
let producing = false;
let producers: Promise<void>[] = [];

/** Each car publishes a status every `periodMs` until stopProducing(). */
function startProducing(periodMs = 100): void {
  producing = true;
  producers = cars.map(async (car) => {
    while (producing) {
      await car.next();
      await new Promise((r) => setTimeout(r, periodMs));
    }
  });
}

async function stopProducing(): Promise<void> {
  producing = false;
  await Promise.all(producers);
}

/** Rows not confirmed yet, counting the statuses not mapped yet (held by the reorder window). */
const pending = () => {
  const stats = dispatch.hub?.stats();
  return stats === undefined ? -1 : stats.pending + stats.unmapped;
};
const lastRowId = () =>
  (dispatch.db.prepare("SELECT coalesce(max(id), 0) AS id FROM hub_outbox").get() as { id: number }).id;
const rowsUpTo = (id: number) =>
  (dispatch.db.prepare("SELECT count(*) AS n FROM hub_outbox WHERE id <= ?").get(id) as { n: number }).n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  [broker, rabbit] = await Promise.all([Mosquitto.start(), RabbitMq.start()]);
  await declareHub(rabbit.url);
  dir = mkdtempSync(join(tmpdir(), "sosm-hub-outage-"));
  dispatch = await startHubDispatch({
    mqttUrl: broker.url,
    amqpUrl: rabbit.url,
    dataDir: join(dir, "dispatch"),
  });
  cars = ["OUT-1", "OUT-2", "OUT-3", "OUT-4"].map((vehicle) => new StatusCar(broker.url, vehicle));
}, 120_000);

afterAll(async () => {
  producing = false;
  await Promise.all(cars.map((car) => car.stop()));
  await dispatch?.stop();
  await Promise.all([broker?.close(), rabbit?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Hub Santé gateway across RabbitMQ outages", () => {
  it("loses nothing and duplicates nothing when RabbitMQ stops, crashes and comes back", async () => {
    const figures: Record<string, number> = {};
    const outage = async (name: string, stop: () => Promise<void>) => {
      startProducing();
      await sleep(3000);
      await stop();
      const downAt = Date.now();
      await sleep(3000);
      await rabbit.startProcess();
      figures[`${name}: broker down (s)`] = (Date.now() - downAt) / 1000;
      // The backlog: every row written while the broker was away (cars go on meanwhile).
      const upAt = Date.now();
      const backlogTop = lastRowId();
      figures[`${name}: backlog when back`] = pending();
      await eventually(() => rowsUpTo(backlogTop) === 0, `the backlog sent after the ${name}`, 60_000, 20);
      figures[`${name}: backlog confirmed after restart (s)`] = (Date.now() - upAt) / 1000;
      await sleep(2000);
      await stopProducing();
      await eventually(() => pending() === 0, `the outbox drained after the ${name}`, 60_000);
    };
    await outage("clean stop", () => rabbit.stop());
    await outage("kill -9", () => rabbit.kill());

    // Every status the cars published is at dispatch (mqtt.js resolved each on its PUBACK).
    const published = cars.reduce((n, car) => n + car.published, 0);
    await eventually(
      () =>
        (
          dispatch.db.prepare("SELECT count(*) AS n FROM received WHERE type = 'status'").get() as {
            n: number;
          }
        ).n === published,
      "every status stored at dispatch",
      30_000,
    );
    await eventually(() => pending() === 0, "the outbox drained", 30_000);

    const reader = new HubQueueReader(rabbit.url);
    await reader.drain();
    const distinct = reader.rsSr();
    const keys = distinct.map((m) => rsSrKey(inner(m).resourcesStatus as never));
    const expected = cars.flatMap((car) => car.expected);
    figures["statuses published"] = published;
    figures["RS-SR expected"] = expected.length;
    figures["copies read"] = reader.received.length;
    figures["distinct distributionIDs"] = distinct.length;
    figures["copies sent twice (same id, same bytes)"] = reader.received.length - distinct.length;
    figures["publisher connects"] = dispatch.hub?.stats().connects ?? 0;
    console.info(`Hub Santé outage figures: ${JSON.stringify(figures, null, 2)}`);

    // Nothing duplicated: one distributionID per event, never two ids for the same status.
    expect(new Set(keys).size).toBe(keys.length);
    // Nothing lost: exactly the RS-SR the statuses call for.
    expect([...keys].sort()).toEqual([...expected].sort());
    expect(expected.length).toBeGreaterThan(100);
    // Per car, in the order the car sent them (the queue is FIFO; resends go out oldest first).
    for (const car of cars) {
      const mine = keys.filter((key) => key.includes(`.resource.${car.vehicle}|`));
      expect(mine).toEqual(car.expected);
    }
  }, 240_000);
});
