/**
 * Dispatch crashes (kill -9) with messages published but not yet confirmed: RabbitMQ is frozen
 * (SIGSTOP) so that no confirm comes back. Started again on the same database, dispatch sends those
 * rows again with the SAME distributionIDs, and the receiver, de-duplicating on them, sees each
 * status once. (The frozen broker may still route the first copies when it wakes up: those are the
 * duplicates the id is for.)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mosquitto } from "../../support/mosquitto.ts";
import { RabbitMq } from "../../support/rabbitmq.ts";
import { declareHub, eventually, HubQueueReader, inner, rsSrKey, StatusCar } from "./hub-rig.ts";

const root = join(import.meta.dirname, "../../..");
const driverPath = join(root, "test/integration/hub-sante/hub-dispatch-driver.ts");

let broker: Mosquitto;
let rabbit: RabbitMq;
let dir: string;
let dispatch: ChildProcess | null = null;
let output = "";
let car: StatusCar;

function startDispatch(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", driverPath], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      SOSM_HUB_DRIVER: JSON.stringify({
        mqttUrl: broker.url,
        amqpUrl: rabbit.url,
        dataDir: join(dir, "dispatch"),
      }),
    },
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  dispatch = child;
  return child;
}

/** Reads dispatch's database from outside, as a technician would (WAL: no lock on the writer). */
function query<T>(sql: string): T[] {
  const db = new Database(join(dir, "dispatch", "dispatch.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

const outboxIds = () =>
  query<{ distribution_id: string }>("SELECT distribution_id FROM hub_outbox ORDER BY id").map(
    (r) => r.distribution_id,
  );

beforeAll(async () => {
  [broker, rabbit] = await Promise.all([Mosquitto.start(), RabbitMq.start()]);
  await declareHub(rabbit.url);
  dir = mkdtempSync(join(tmpdir(), "sosm-hub-crash-"));
  car = new StatusCar(broker.url, "CRS-1");
}, 120_000);

afterAll(async () => {
  rabbit?.resume();
  dispatch?.kill("SIGKILL");
  await car?.stop();
  await Promise.all([broker?.close(), rabbit?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("Hub Santé gateway across a dispatch crash", () => {
  it("sends unconfirmed rows again after a restart, with the same distributionIDs", async () => {
    startDispatch();
    await eventually(() => output.includes('"ready":true'), `dispatch ready\n${output}`, 60_000);
    // A first status goes through normally: mapped (its car's state saved), published, confirmed.
    await car.next();
    await eventually(
      () => query("SELECT 1 FROM hub_cars").length === 1 && outboxIds().length === 0,
      "the first RS-SR confirmed",
      30_000,
    );

    // No confirm can come back now; the next statuses are published into the frozen broker's socket.
    rabbit.pause();
    for (let i = 0; i < 12; i++) await car.next();
    await eventually(() => outboxIds().length === 12, `12 rows waiting for their confirm\n${output}`, 30_000);
    const unconfirmed = outboxIds();
    // Let the gateway write them to the socket (it does at once; this is margin for a loaded machine).
    await new Promise((r) => setTimeout(r, 1000));
    dispatch?.kill("SIGKILL");
    await new Promise((r) => dispatch?.once("exit", r));
    rabbit.resume();

    output = "";
    startDispatch();
    await eventually(() => output.includes('"ready":true'), `dispatch ready again\n${output}`, 60_000);
    await eventually(
      () => outboxIds().length === 0,
      `the outbox drained after the restart\n${output}`,
      60_000,
    );

    const reader = new HubQueueReader(rabbit.url);
    await reader.drain();
    const distinct = reader.rsSr("CRS-1");
    const ids = distinct.map((m) => m.distributionId);
    // Every row that waited for a confirm arrived under the id it had before the crash.
    for (const id of unconfirmed) expect(ids).toContain(id);
    expect(distinct).toHaveLength(13);
    const keys = distinct.map((m) => rsSrKey(inner(m).resourcesStatus as never));
    expect(keys).toEqual(car.expected);
    console.info(
      `Hub Santé crash: ${unconfirmed.length} unconfirmed rows at the crash, ${reader.received.length - distinct.length} delivered twice (same id, same bytes)`,
    );
    dispatch?.kill("SIGTERM");
  }, 180_000);
});
