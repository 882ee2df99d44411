/**
 * The publisher against a real RabbitMQ node: a backlog (as after a long outage) published with
 * confirms, persistent, to a durable queue, and measured (printed, not asserted: 2 shared cores);
 * a message nobody can receive (mandatory, returned) and an exchange that does not exist yet stay in
 * the outbox until the Hub's side is there, then go.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqp from "amqplib";
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HubSanteConfigInput } from "../../../apps/dispatch/hub-sante/hub-sante-config.ts";
import { parseHubSanteConfig } from "../../../apps/dispatch/hub-sante/hub-sante-config.ts";
import { HubSanteGateway } from "../../../apps/dispatch/hub-sante/hub-sante-gateway.ts";
import { HubSanteTranslator } from "../../../apps/dispatch/hub-sante/hub-sante-translator.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { carEnvelope } from "../../../src/contracts/car-envelope.ts";
import type { Inbound } from "../../../src/services/dispatch-inbound.ts";
import { systemClock } from "../../../src/services/ports.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { DispatchIngestRepository } from "../../../src/store/dispatch-ingest-repository.ts";
import { dispatchMigrations } from "../../../src/store/dispatch-migrations.ts";
import { HubOutboxRepository } from "../../../src/store/hub-outbox-repository.ts";
import { RabbitMq } from "../../support/rabbitmq.ts";
import { declareHub, eventually, HubQueueReader, hubConfig, queueName } from "./hub-rig.ts";

const logger = createLogger({ name: "hub-publisher", level: "silent" });
let rabbit: RabbitMq;
let dir: string;
const open: Database.Database[] = [];

beforeAll(async () => {
  rabbit = await RabbitMq.start();
  await declareHub(rabbit.url);
  dir = mkdtempSync(join(tmpdir(), "sosm-hub-publisher-"));
}, 120_000);

afterAll(async () => {
  for (const db of open) db.close();
  await rabbit?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A dispatch database whose outbox holds `count` RS-SR rows, written as dispatch writes them. */
function databaseWithBacklog(
  name: string,
  count: number,
  config: HubSanteConfigInput,
): { db: Database.Database; repo: HubOutboxRepository } {
  // FULL, as dispatch opens it: each batch of confirms costs an fsync.
  const { db } = openDatabase({
    path: join(dir, `${name}.sqlite`),
    synchronous: "FULL",
    logger,
    migrations: dispatchMigrations,
  });
  open.push(db);
  const repo = new HubOutboxRepository(db);
  repo.setEnabled(true);
  const ingest = new DispatchIngestRepository(db);
  const t0 = Date.parse("2026-11-23T21:00:00Z");
  const keys = ["en_route", "on_scene", "with_patient", "visit_done"] as const;
  const codes = { en_route: 3, on_scene: 4, with_patient: 7, visit_done: 8 };
  // Batches of 500, as the ingest commits them (one fsync each).
  let batch: Inbound[] = [];
  for (let i = 0; i < count; i++) {
    const key = keys[i % 4] ?? "en_route";
    const vehicle = `THR-${i % 50}`;
    const now = t0 + i * 1000;
    const missionId = `M-${Math.floor(i / 200)}-${i % 50}`;
    const body = { code: codes[key], key, since: new Date(now).toISOString(), missionId };
    const message = carEnvelope({ type: "status", src: vehicle, now, seq: i + 1, body });
    batch.push({ fleet: "bordeaux", vehicle, message, receivedAt: now });
    if (batch.length === 500 || i === count - 1) {
      ingest.commit(batch);
      batch = [];
    }
  }
  // No reorder window: the rows are made up at once, with arrival times of their own.
  const translator = new HubSanteTranslator({
    repo,
    config: parseHubSanteConfig(config),
    logger,
    reorderWindowMs: 0,
  });
  while (translator.run(Date.now(), false).more);
  expect(repo.pendingCount()).toBe(count);
  return { db, repo };
}

function gatewayOn(
  db: Database.Database,
  config: HubSanteConfigInput,
  publishWindow?: number,
): HubSanteGateway {
  return HubSanteGateway.start({
    db,
    config,
    clock: systemClock,
    logger,
    ...(publishWindow === undefined ? {} : { publishWindow }),
  });
}

describe("Hub Santé publisher", () => {
  it.each([
    ["256 in flight (the default)", 256],
    ["4,096 in flight (past amqplib's write buffer: waits for `drain`)", 4096],
  ])(
    "publishes a backlog with confirms, each row once, %s",
    async (_what, window) => {
      const backlog = 5000;
      const config = hubConfig(rabbit.url);
      const { db, repo } = databaseWithBacklog(`throughput-${window}`, backlog, config);
      const started = performance.now();
      const gateway = gatewayOn(db, config, window);
      try {
        await eventually(() => repo.pendingCount() === 0, "the backlog confirmed", 120_000, 10);
        const seconds = (performance.now() - started) / 1000;
        console.info(
          `Hub Santé publisher, window ${window}: ${backlog} RS-SR confirmed in ${seconds.toFixed(2)} s (${Math.round(backlog / seconds)} msg/s, connect included)`,
        );
      } finally {
        await gateway.stop();
      }
      const reader = new HubQueueReader(rabbit.url);
      await reader.drain();
      expect(reader.distinct()).toHaveLength(backlog);
      expect(reader.received).toHaveLength(backlog);
    },
    180_000,
  );

  it("keeps a message no queue receives (returned) until a queue is bound, then delivers it", async () => {
    const routingKey = "fr.health.sos33.unbound";
    const config = hubConfig(rabbit.url, { routingKey });
    const { db, repo } = databaseWithBacklog("unroutable", 3, config);
    const gateway = gatewayOn(db, config);
    try {
      await eventually(() => gateway.stats().returned >= 3, "3 messages returned by RabbitMQ", 30_000);
      expect(repo.pendingCount()).toBe(3);
      const connection = await amqp.connect(rabbit.url);
      const channel = await connection.createChannel();
      await channel.bindQueue(queueName, "hubsante", routingKey);
      await connection.close();
      // Retries back off ×2 from 0.5 s: well within the wait.
      await eventually(() => repo.pendingCount() === 0, "the returned messages delivered once bound", 30_000);
    } finally {
      await gateway.stop();
    }
    const reader = new HubQueueReader(rabbit.url);
    await reader.drain();
    expect(reader.distinct()).toHaveLength(3);
  }, 60_000);

  it("waits for an exchange that does not exist yet (the channel closes), then publishes", async () => {
    const config = hubConfig(rabbit.url, { exchange: "hubsante-later" });
    const { db, repo } = databaseWithBacklog("no-exchange", 2, config);
    const gateway = gatewayOn(db, config);
    try {
      await eventually(() => gateway.stats().connects >= 2, "reconnects after the 404 channel close", 30_000);
      expect(gateway.stats().lastError).toMatch(/NOT_FOUND|404|closed/);
      expect(repo.pendingCount()).toBe(2);
      const connection = await amqp.connect(rabbit.url);
      const channel = await connection.createChannel();
      await channel.assertExchange("hubsante-later", "topic", { durable: true });
      await channel.bindQueue(queueName, "hubsante-later", config.senderId);
      await connection.close();
      await eventually(
        () => repo.pendingCount() === 0,
        "the rows published once the exchange exists",
        30_000,
      );
    } finally {
      await gateway.stop();
    }
    const reader = new HubQueueReader(rabbit.url);
    await reader.drain();
    expect(reader.distinct()).toHaveLength(2);
  }, 60_000);
});
