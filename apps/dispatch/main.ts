/**
 * `tsx apps/dispatch/main.ts`: the dispatch service on its own (production, the benchmark).
 * `tsx apps/dispatch/main.ts operator add USERNAME "Display name"`: creates or resets an operator;
 * the password comes from SOSM_OPERATOR_PASSWORD or the first line of stdin, never the command line
 * (which other local users can read in the process list).
 *
 * Environment: SOSM_FLEET (bordeaux), SOSM_MQTT_URL (mqtt://127.0.0.1:1883), SOSM_MQTT_PROTOCOL
 * (5; 4 for a broker without MQTT 5), SOSM_MQTT_USERNAME / SOSM_MQTT_PASSWORD, SOSM_MQTT_CA /
 * SOSM_MQTT_CERT / SOSM_MQTT_KEY (PEM files of dispatch's identity `sosm-dispatch`),
 * SOSM_DISPATCH_HOST (127.0.0.1), SOSM_DISPATCH_PORT (7390), SOSM_DISPATCH_DATA (data/dispatch),
 * SOSM_DISPATCH_INSTANCE (1; give each instance sharing the load its own), SOSM_LOG_LEVEL (info),
 * SOSM_MQTT_DURABLE_CONNECTIONS (extra connections for the QoS 1 topics; 0 with the shipped
 * mosquitto.conf, which allows one connection per certificate).
 * Hub Santé gateway (issue 8): on when SOSM_HUB_AMQP_URL is set; the other SOSM_HUB_* variables are in
 * hub-sante/hub-sante-config.ts and docs/interop/hub-sante.md. `tsx apps/dispatch/main.ts hub off`
 * stops collecting statuses for it (after the gateway was switched off for good).
 * On start it prints one JSON line `{"ready":true,"url":...}` on stdout.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { createLogger, type LogLevel } from "../../src/app/logger.ts";
import { openDatabase } from "../../src/store/database.ts";
import { dispatchMigrations } from "../../src/store/dispatch-migrations.ts";
import { DispatchOperatorRepository } from "../../src/store/dispatch-operator-repository.ts";
import { HubOutboxRepository } from "../../src/store/hub-outbox-repository.ts";
import { DispatchService } from "./dispatch-service.ts";
import { hubSanteConfigFromEnv } from "./hub-sante/hub-sante-config.ts";
import { buildWebIfNeeded } from "./web-build-step.ts";

const env = process.env;
const root = resolve(import.meta.dirname, "../..");
const dataDir = resolve(env.SOSM_DISPATCH_DATA ?? `${root}/data/dispatch`);
const logger = createLogger({ name: "dispatch", level: (env.SOSM_LOG_LEVEL ?? "info") as LogLevel });

async function readPassword(): Promise<string> {
  if (env.SOSM_OPERATOR_PASSWORD) return env.SOSM_OPERATOR_PASSWORD;
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) return line;
  throw new Error("no password on stdin");
}

async function addOperator(username: string | undefined, displayName: string | undefined): Promise<void> {
  if (!username || !/^[a-z0-9._-]{1,64}$/.test(username))
    throw new Error("usage: operator add USERNAME [DISPLAY NAME] (username: a-z 0-9 . _ -)");
  const password = await readPassword();
  if (password.length < 10) throw new Error("a password has at least 10 characters");
  const { db } = openDatabase({
    path: `${dataDir}/dispatch.sqlite`,
    synchronous: "FULL",
    logger,
    migrations: dispatchMigrations,
  });
  await new DispatchOperatorRepository(db).setPassword(username, displayName ?? username, password);
  db.close();
  process.stdout.write(`operator ${username} saved\n`);
}

/** The feed of statuses for the gateway grows while it is on; this turns it off and empties it. */
function hubOff(): void {
  const { db } = openDatabase({
    path: `${dataDir}/dispatch.sqlite`,
    synchronous: "FULL",
    logger,
    migrations: dispatchMigrations,
  });
  const repo = new HubOutboxRepository(db);
  repo.setEnabled(false);
  const unsent = repo.pendingCount();
  db.close();
  process.stdout.write(`hub santé feed off (${unsent} unsent messages kept in hub_outbox)\n`);
}

async function serve(): Promise<void> {
  // Read first: a bad Hub Santé setting stops the start with the variable's name.
  const hubSante = hubSanteConfigFromEnv(env);
  const pem = (name: string) => (env[name] ? readFileSync(env[name] as string) : undefined);
  const ca = pem("SOSM_MQTT_CA");
  const cert = pem("SOSM_MQTT_CERT");
  const key = pem("SOSM_MQTT_KEY");
  await buildWebIfNeeded(logger);
  const service = await DispatchService.start({
    fleet: env.SOSM_FLEET ?? "bordeaux",
    mqttUrl: env.SOSM_MQTT_URL ?? "mqtt://127.0.0.1:1883",
    protocolVersion: env.SOSM_MQTT_PROTOCOL === "4" ? 4 : 5,
    dataDir,
    http: { host: env.SOSM_DISPATCH_HOST ?? "127.0.0.1", port: Number(env.SOSM_DISPATCH_PORT ?? 7390) },
    ...(env.SOSM_DISPATCH_INSTANCE ? { instance: env.SOSM_DISPATCH_INSTANCE } : {}),
    ...(env.SOSM_MQTT_DURABLE_CONNECTIONS
      ? { durableConnections: Number(env.SOSM_MQTT_DURABLE_CONNECTIONS) }
      : {}),
    mqttClientOptions: {
      ...(env.SOSM_MQTT_USERNAME ? { username: env.SOSM_MQTT_USERNAME } : {}),
      ...(env.SOSM_MQTT_PASSWORD ? { password: env.SOSM_MQTT_PASSWORD } : {}),
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
    },
    ...(hubSante ? { hubSante } : {}),
    logger,
  });
  if (service.operators.count() === 0)
    logger.warn("no operator yet: add one with `tsx apps/dispatch/main.ts operator add USERNAME`");
  process.stdout.write(`${JSON.stringify({ ready: true, url: service.url })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void service.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

const [command, sub, ...rest] = process.argv.slice(2);
const run =
  command === "operator" && sub === "add"
    ? addOperator(rest[0], rest[1])
    : command === "hub" && sub === "off"
      ? Promise.resolve().then(hubOff)
      : serve();
run.catch((error: unknown) => {
  logger.fatal({ err: error }, "dispatch failed");
  process.stderr.write(`dispatch: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
