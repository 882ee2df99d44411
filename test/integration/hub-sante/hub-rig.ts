/**
 * What the Hub Santé integration tests share: the gateway's test config, the test's stand-in for
 * the Hub (the `hubsante` exchange and a durable queue bound to our routing key, read with amqplib),
 * and a scripted car that publishes statuses over MQTT as a real car's outbox does.
 */
import amqp, { type GetMessage } from "amqplib";
import mqtt, { type MqttClient } from "mqtt";
import { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import type { HubSanteConfigInput } from "../../../apps/dispatch/hub-sante/hub-sante-config.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { carEnvelope } from "../../../src/contracts/car-envelope.ts";
import { mqttClientId, topicFor } from "../../../src/contracts/ids.ts";
import { caseIdForMission, resourceId } from "../../../src/domain/hub-sante/hub-ids.ts";
import { rsSrStep } from "../../../src/domain/hub-sante/rs-sr.ts";
import { statusCode } from "../../../src/domain/missions/status-rules.ts";
import type { StatusKey } from "../../../src/domain/radio-status.ts";
import { validateHubMessage } from "../../unit/dispatch/hub-sante/official-schemas.ts";

export const orgId = "sos33";
export const senderId = "fr.health.sos33";
export const recipientId = "fr.health.samu330";
export const queueName = `${recipientId}.message`;

export function hubConfig(amqpUrl: string, more: Partial<HubSanteConfigInput> = {}): HubSanteConfigInput {
  return { amqpUrl, orgId, senderId, recipientId, distributionStatus: "Exercise", ...more };
}

/** The real dispatch service with its gateway on `amqpUrl`, its own database under `dataDir`. */
export async function startHubDispatch(options: {
  mqttUrl: string;
  amqpUrl: string;
  dataDir: string;
  hub?: Partial<HubSanteConfigInput>;
}): Promise<DispatchService> {
  const service = await DispatchService.start({
    fleet: "bordeaux",
    mqttUrl: options.mqttUrl,
    protocolVersion: 5,
    dataDir: options.dataDir,
    http: { port: 0 },
    logger: createLogger({ name: "dispatch-hub-test", level: "error" }),
    hubSante: hubConfig(options.amqpUrl, options.hub),
  });
  await service.mqtt.ready();
  return service;
}

/** One copy of a message as read from the queue. */
export interface Received {
  distributionId: string;
  raw: string;
  envelope: Record<string, unknown>;
  kind: "resourcesStatus" | "geoPositionsUpdate";
  properties: GetMessage["properties"];
}

type Inner = {
  resourcesStatus?: {
    caseId: string;
    resourceId: string;
    state: { datetime: string; status: string; availability?: boolean };
  };
  geoPositionsUpdate?: {
    position: Array<Record<string, unknown> & { resourceId: string; datetime: string }>;
  };
};

export function inner(received: Received): Inner {
  const content = received.envelope.content as Array<{
    jsonContent: { embeddedJsonContent: { message: Inner } };
  }>;
  return content[0]?.jsonContent.embeddedJsonContent.message ?? {};
}

/** The test plays the Hub: the topic exchange and the recipient's durable queue, bound to our key. */
export async function declareHub(url: string): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange("hubsante", "topic", { durable: true });
    await channel.assertQueue(queueName, { durable: true });
    await channel.bindQueue(queueName, "hubsante", senderId);
  } finally {
    await connection.close();
  }
}

/**
 * Reads the queue into `received` (each message validated against the official schemas), acking
 * what it read. Survives the broker going away: the messages stay in the durable queue meanwhile.
 */
export class HubQueueReader {
  readonly received: Received[] = [];

  constructor(private readonly url: string) {}

  async drain(): Promise<number> {
    let connection: amqp.ChannelModel | null = null;
    let count = 0;
    try {
      // noDelay: each get is a round trip, which Nagle and delayed ACKs would stretch to ~40 ms.
      connection = await amqp.connect(this.url, { timeout: 2000, noDelay: true });
      connection.on("error", () => undefined);
      const channel = await connection.createChannel();
      for (;;) {
        const message = await channel.get(queueName);
        if (message === false) break;
        const raw = message.content.toString("utf8");
        const envelope = JSON.parse(raw) as Record<string, unknown>;
        const kind = validateHubMessage(envelope);
        this.received.push({
          distributionId: String(envelope.distributionID),
          raw,
          envelope,
          kind,
          properties: message.properties,
        });
        channel.ack(message);
        count++;
      }
      await connection.close();
    } catch {
      // Broker down or restarting: read again later.
      await connection?.close().catch(() => undefined);
    }
    return count;
  }

  async until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.drain();
      if (condition()) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** One entry per distribution id (the receiver's de-duplication); throws if two copies differ. */
  distinct(): Received[] {
    const byId = new Map<string, Received>();
    for (const message of this.received) {
      const first = byId.get(message.distributionId);
      if (first === undefined) byId.set(message.distributionId, message);
      else if (first.raw !== message.raw)
        throw new Error(`two different messages share distributionID ${message.distributionId}`);
    }
    return [...byId.values()];
  }

  rsSr(vehicle?: string): Received[] {
    return this.distinct().filter(
      (m) =>
        m.kind === "resourcesStatus" &&
        (vehicle === undefined || inner(m).resourcesStatus?.resourceId === resourceId(orgId, vehicle)),
    );
  }
}

export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
  pollMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

const lifecycle: readonly StatusKey[] = ["en_route", "on_scene", "with_patient", "visit_done", "available"];

/**
 * A car that runs missions back to back (en_route … visit_done, available), one status per
 * `next()`, QoS 1 with a growing `seq`, as a car's outbox would. It remembers the RS-SR each status
 * must give (through the pure mapping), as `resourceId|caseId|status|availability|datetime` keys.
 */
export class StatusCar {
  readonly client: MqttClient;
  readonly expected: string[] = [];
  published = 0;
  private seq = 0;
  private step = 0;
  private mission = 0;
  private state = { statusKey: null, emergency: false, caseId: null, lastSent: null } as Parameters<
    typeof rsSrStep
  >[0];

  constructor(
    brokerUrl: string,
    readonly vehicle: string,
  ) {
    this.client = mqtt.connect(brokerUrl, {
      clientId: mqttClientId("bordeaux", vehicle),
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 500,
    });
    this.client.on("error", () => undefined);
  }

  /** Publishes the next status; resolves on PUBACK (mqtt.js keeps it queued across reconnects). */
  async next(): Promise<void> {
    const key = lifecycle[this.step % lifecycle.length] as StatusKey;
    if (key === "en_route") this.mission++;
    this.step++;
    const missionId = `M-${this.vehicle}-${this.mission}`;
    const now = Date.now();
    const body = {
      code: statusCode(key),
      key,
      since: new Date(now).toISOString(),
      ...(key === "available" ? {} : { missionId }),
    };
    const mapped = rsSrStep(
      this.state,
      { key, since: now, caseId: key === "available" ? null : caseIdForMission(orgId, missionId) },
      { resourceId: resourceId(orgId, this.vehicle), timeZone: "Europe/Paris" },
    );
    this.state = mapped.state;
    if (mapped.message) this.expected.push(rsSrKey(mapped.message));
    const envelope = carEnvelope({ type: "status", body, src: this.vehicle, now, seq: ++this.seq });
    await this.client.publishAsync(topicFor("bordeaux", this.vehicle, "status"), JSON.stringify(envelope), {
      qos: 1,
      retain: true,
    });
    this.published++;
  }

  async stop(): Promise<void> {
    await this.client.endAsync();
  }
}

export function rsSrKey(rs: NonNullable<Inner["resourcesStatus"]>): string {
  return [rs.resourceId, rs.caseId, rs.state.status, String(rs.state.availability), rs.state.datetime].join(
    "|",
  );
}
