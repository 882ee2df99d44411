/**
 * The dispatch service, composed: its database, the ingest loop, the MQTT connections, the command
 * outbox and the HTTP + WebSocket API. `DispatchService.start()` is what apps/dispatch/main.ts,
 * `npm start`, the tests and the benchmark call.
 */
import { EventEmitter } from "node:events";
import { join } from "node:path";
import type { IClientOptions } from "mqtt";
import type { DispatchPush } from "../../src/contracts/dispatch-api.ts";
import type { BatchResult } from "../../src/services/dispatch-inbound.ts";
import { DispatchIngest } from "../../src/services/dispatch-ingest.ts";
import { type Clock, type Logger, systemClock } from "../../src/services/ports.ts";
import { openDatabase } from "../../src/store/database.ts";
import { DispatchCommandRepository } from "../../src/store/dispatch-command-repository.ts";
import { DispatchIngestRepository } from "../../src/store/dispatch-ingest-repository.ts";
import { dispatchMigrations } from "../../src/store/dispatch-migrations.ts";
import { DispatchOperatorRepository } from "../../src/store/dispatch-operator-repository.ts";
import { DispatchQueryRepository } from "../../src/store/dispatch-query-repository.ts";
import { CommandPublisher } from "./command-publisher.ts";
import { DispatchMqtt } from "./dispatch-mqtt.ts";
import { DispatchHttpServer } from "./http-server.ts";
import { type HubSanteConfigInput, parseHubSanteConfig } from "./hub-sante/hub-sante-config.ts";
import { HubSanteGateway } from "./hub-sante/hub-sante-gateway.ts";

export interface DispatchServiceOptions {
  fleet: string;
  mqttUrl: string;
  protocolVersion: 4 | 5;
  /** Dispatch's own SQLite file (default `{dataDir}/dispatch.sqlite`). */
  dataDir: string;
  /** HTTP API; port 0 picks a free one. Default 127.0.0.1:7390. */
  http?: { host?: string; port?: number };
  instance?: string;
  shared?: boolean;
  durableConnections?: number;
  mqttClientOptions?: Partial<IClientOptions>;
  /** Built web UI; served when it exists (default apps/dispatch/web/dist). */
  webDir?: string;
  /** Operators created or reset at start (the demo's; production uses `dispatch operator add`). */
  operators?: ReadonlyArray<{ username: string; password: string; displayName: string }>;
  logger: Logger;
  clock?: Clock;
  /** Batching of positions (default 50 ms). */
  positionDelayMs?: number;
  /** The Hub Santé gateway (issue 8, docs/interop/hub-sante.md); off when absent. */
  hubSante?: HubSanteConfigInput;
}

/** How often a changed car's board row is pushed at most. */
const carPushIntervalMs = 1000;

export class DispatchService {
  readonly pushes = new EventEmitter();
  private readonly dirtyCars = new Set<string>();
  private pushTimer: ReturnType<typeof setInterval> | null = null;
  /** Null when `hubSante` is not configured. */
  hub: HubSanteGateway | null = null;

  private constructor(
    readonly options: DispatchServiceOptions,
    readonly db: ReturnType<typeof openDatabase>["db"],
    readonly queries: DispatchQueryRepository,
    readonly commands: DispatchCommandRepository,
    readonly operators: DispatchOperatorRepository,
    readonly ingest: DispatchIngest,
    readonly mqtt: DispatchMqtt,
    readonly publisher: CommandPublisher,
    readonly http: DispatchHttpServer,
  ) {}

  static async start(options: DispatchServiceOptions): Promise<DispatchService> {
    const clock = options.clock ?? systemClock;
    const { logger } = options;
    // A bad Hub Santé config fails the start before anything is opened or connected.
    if (options.hubSante) parseHubSanteConfig(options.hubSante);
    // FULL: an event is acked to the car once committed, so the commit must survive a power cut.
    const { db } = openDatabase({
      path: join(options.dataDir, "dispatch.sqlite"),
      synchronous: "FULL",
      logger,
      migrations: dispatchMigrations,
    });
    const queries = new DispatchQueryRepository(db);
    const commands = new DispatchCommandRepository(db, options.fleet);
    const operators = new DispatchOperatorRepository(db);
    for (const op of options.operators ?? [])
      await operators.setPassword(op.username, op.displayName, op.password);
    const store = new DispatchIngestRepository(db);
    let service: DispatchService | null = null;
    const mqttRef: { current: DispatchMqtt | null } = { current: null };
    const ingest = new DispatchIngest({
      store,
      clock,
      logger,
      fleet: options.fleet,
      ...(options.positionDelayMs === undefined ? {} : { positionDelayMs: options.positionDelayMs }),
      sendAcks: (acks) => mqttRef.current?.sendAcks(acks),
      onCommitted: (result) => service?.committed(result),
    });
    const mqtt = new DispatchMqtt({
      url: options.mqttUrl,
      fleet: options.fleet,
      protocolVersion: options.protocolVersion,
      ingest,
      clock,
      logger,
      ...(options.instance === undefined ? {} : { instance: options.instance }),
      ...(options.shared === undefined ? {} : { shared: options.shared }),
      ...(options.durableConnections === undefined ? {} : { durableConnections: options.durableConnections }),
      ...(options.mqttClientOptions === undefined ? {} : { clientOptions: options.mqttClientOptions }),
    });
    mqttRef.current = mqtt;
    const publisher = new CommandPublisher({
      pending: (limit) => commands.pending(limit),
      remove: (seq) => commands.remove(seq),
      publish: (topic, payload) => mqtt.publish(topic, payload),
      logger,
    });
    mqtt.onConnect(() => publisher.kick());
    const http = new DispatchHttpServer({
      host: options.http?.host ?? "127.0.0.1",
      port: options.http?.port ?? 7390,
      webDir: options.webDir ?? join(import.meta.dirname, "web", "dist"),
      logger,
      clock,
      fleet: options.fleet,
      queries,
      commands,
      operators,
      pushes: () => service?.pushes ?? new EventEmitter(),
      afterCommand: () => publisher.kick(),
      sendAcks: (acks) => mqtt.sendAcks(acks),
      metrics: (sinceMs) => ({
        ingest: ingest.stats(sinceMs),
        published: publisher.published,
        cpu: process.cpuUsage(),
      }),
    });
    service = new DispatchService(options, db, queries, commands, operators, ingest, mqtt, publisher, http);
    // Never throws on an unreachable RabbitMQ: it retries in the background (a bad config throws).
    if (options.hubSante)
      service.hub = HubSanteGateway.start({ db, config: options.hubSante, clock, logger });
    try {
      await http.listen();
    } catch (error) {
      // A taken port must not leave connections with this instance's client ids behind.
      await service.hub?.stop();
      publisher.stop();
      await mqtt.stop();
      db.close();
      throw error;
    }
    service.pushTimer = setInterval(() => service?.pushDirtyCars(), carPushIntervalMs);
    return service;
  }

  get url(): string {
    return this.http.url;
  }

  /** Pushes to WebSocket clients; called by the HTTP layer's commands too. */
  push(message: DispatchPush): void {
    this.pushes.emit("push", message);
  }

  async stop(): Promise<void> {
    if (this.pushTimer) clearInterval(this.pushTimer);
    this.publisher.stop();
    await this.http.close();
    await this.mqtt.stop();
    await this.hub?.stop();
    this.db.close();
  }

  private committed(result: BatchResult): void {
    if (result.vehicles.size > 0) this.hub?.kick();
    if (this.pushes.listenerCount("push") === 0) return;
    for (const vehicle of result.vehicles) this.dirtyCars.add(vehicle);
    const serverTime = new Date(this.options.clock?.now() ?? Date.now()).toISOString();
    for (const key of result.alarms) {
      const [vehicle = "", ...rest] = key.split("/");
      const alarm = this.queries.alarm(vehicle, rest.join("/"));
      // Alarms go out at once, not with the once-a-second board: the operator must see them within 1 s.
      if (alarm) this.push({ type: "alarm", serverTime, alarm });
    }
    for (const id of result.messages) {
      const message = this.queries.message(id);
      if (message) this.push({ type: "message", serverTime, message });
    }
    for (const missionId of result.missions) {
      const mission = this.queries.mission(missionId);
      if (mission) this.push({ type: "mission", serverTime, mission });
    }
  }

  private pushDirtyCars(): void {
    if (this.dirtyCars.size === 0) return;
    const serverTime = new Date(this.options.clock?.now() ?? Date.now()).toISOString();
    for (const vehicle of this.dirtyCars) {
      const car = this.queries.car(vehicle);
      if (car) this.push({ type: "car", serverTime, car });
    }
    this.dirtyCars.clear();
  }
}
