/**
 * One simulated car for a large in-process fleet (apps/sim/fleet.ts): what a real car puts on the
 * wire, without a full core: presence (birth and last will), a live position at 1 Hz from the drive
 * generator, statuses and events through a numbered "outbox" (QoS 1, `seq` +1 per message), and the
 * `ack`s dispatch sends back on its `cmd` topic. Every QoS 1 id is remembered, for the benchmark's
 * zero-loss check.
 */
import mqtt, { type MqttClient } from "mqtt";
import { carEnvelope } from "../../src/contracts/car-envelope.ts";
import { mqttClientId, topicFor } from "../../src/contracts/ids.ts";
import { type CarMessageType, carMessageRoutes } from "../../src/contracts/messages.ts";
import type { Waypoint } from "./drive/bordeaux-route.ts";
import { type DriveSample, drive } from "./drive/drive-generator.ts";

export interface FleetCarOptions {
  url: string;
  fleet: string;
  vehicle: string;
  protocolVersion: 4 | 5;
  route: readonly Waypoint[];
  seed: number;
  username?: string;
  password?: string;
}

const cycle = ["available", "en_route", "on_scene", "with_patient", "visit_done"] as const;
const codes = { available: 1, en_route: 3, on_scene: 4, with_patient: 7, visit_done: 8 } as const;

export class FleetCar {
  readonly client: MqttClient;
  /** Ids of QoS 1 messages that got their PUBACK. */
  readonly sent: string[] = [];
  /** Refs of the `ack`s dispatch sent back. */
  readonly acked = new Set<string>();
  failed = 0;
  private seq = 0;
  private step = 0;
  private readonly samples: Generator<DriveSample>;

  constructor(private readonly options: FleetCarOptions) {
    this.samples = drive({
      route: options.route,
      start: Date.now(),
      rateHz: 1,
      durationS: 30 * 86_400,
      seed: options.seed,
    });
    const presence = (state: "online" | "offline") =>
      JSON.stringify(
        carEnvelope({
          type: "presence",
          src: options.vehicle,
          now: Date.now(),
          body: { state, since: new Date().toISOString(), app: "fleet-sim" },
        }),
      );
    this.client = mqtt.connect(options.url, {
      clientId: mqttClientId(options.fleet, options.vehicle),
      protocolVersion: options.protocolVersion,
      clean: false,
      ...(options.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
      reconnectPeriod: 2000,
      keepalive: 60,
      ...(options.username ? { username: options.username } : {}),
      ...(options.password ? { password: options.password } : {}),
      will: {
        topic: topicFor(options.fleet, options.vehicle, "presence"),
        payload: Buffer.from(presence("offline")),
        qos: 1,
        retain: true,
      },
    });
    this.client.on("message", (_topic, payload) => {
      try {
        const command = JSON.parse(payload.toString()) as { type?: string; body?: { ref?: string } };
        if (command.type === "ack" && typeof command.body?.ref === "string") this.acked.add(command.body.ref);
      } catch {
        // A simulated car ignores what it cannot read, as the real one refuses it.
      }
    });
    this.client.on("connect", () => {
      this.client.subscribe(topicFor(options.fleet, options.vehicle, "cmd"), { qos: 1 });
      this.client.publish(topicFor(options.fleet, options.vehicle, "presence"), presence("online"), {
        qos: 1,
        retain: true,
      });
    });
    this.client.on("error", () => undefined);
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** One second of driving: the live position (QoS 0, retained, no seq). */
  /** True when a position went out (a disconnected car drives on, silently). */
  tick(): boolean {
    const sample = this.samples.next().value as DriveSample | undefined;
    if (!sample || !this.client.connected) return false;
    const body = {
      fixTime: new Date().toISOString(),
      lat: sample.lat,
      lon: sample.lon,
      alt: sample.alt,
      speed: sample.speed,
      heading: sample.heading,
      fix: "3d" as const,
      sats: 9,
      hdop: 0.9,
    };
    this.publish("position", body, false);
    return true;
  }

  /** The next durable event: a status change, and with every visit done a message to dispatch. */
  event(): void {
    const key = cycle[this.step++ % cycle.length] ?? "available";
    this.publish("status", { code: codes[key], key, since: new Date().toISOString() }, true);
    if (key === "visit_done")
      this.publish("message", { text: `${this.options.vehicle}: visite terminée` }, true);
  }

  async stop(): Promise<void> {
    await this.client.endAsync();
  }

  private publish(type: CarMessageType, body: unknown, durable: boolean): void {
    const envelope = carEnvelope({
      type,
      body,
      src: this.options.vehicle,
      now: Date.now(),
      ...(durable ? { seq: ++this.seq } : {}),
    });
    const route = carMessageRoutes[type];
    this.client.publish(
      topicFor(this.options.fleet, this.options.vehicle, route.suffix),
      JSON.stringify(envelope),
      { qos: route.qos, retain: route.retained },
      (err) => {
        if (!durable) return;
        if (err) this.failed++;
        else this.sent.push(envelope.id);
      },
    );
  }
}
