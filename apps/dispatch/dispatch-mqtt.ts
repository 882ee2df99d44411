/**
 * Dispatch's MQTT side: the connections that feed the ingest loop, and the publishing of acks and
 * commands.
 *
 * - Every connection has a persistent session (clean: false, a fixed client id, a long session expiry
 *   with MQTT 5) and holds back the PUBACK of each QoS 1 message until it is committed, so the broker
 *   keeps what dispatch has not stored, across a crash or a restart of dispatch.
 * - The main connection `sosm-dispatch-{instance}` takes positions at QoS 0 (a newer fix supersedes a
 *   lost one) and publishes acks and commands. `durableConnections` more (`-1`, `-2`...) take the QoS 1
 *   topics (presence, status, equipment, events, track): mqtt.js hands a connection's next message
 *   over only after the previous PUBACK, so several of them let batches form. With 0, the main
 *   connection takes everything: the shipped mosquitto.conf forces the client id to the certificate's
 *   name (`use_username_as_clientid`), so one identity can hold only one connection.
 * - With MQTT 5 every subscription is shared (`$share/dispatch/...`): several dispatch instances
 *   split the fleet's messages between them. Retained messages are never sent on a shared
 *   subscription (MQTT 5, 4.8.2), so at each connect the live connection subscribes to the retained
 *   state topics without sharing for a few seconds (catch-up), then unsubscribes; what it gets twice
 *   is de-duplicated by id and by fix time. With MQTT 3.1.1 (the embedded aedes of `npm start`) there
 *   are no shared subscriptions: plain subscriptions, one instance.
 */
import mqtt, { type IClientOptions, type ISubscriptionMap, type MqttClient } from "mqtt";
import { cmdTopic, topicRoot } from "../../src/contracts/ids.ts";
import { commandEnvelope } from "../../src/services/dispatch-command-envelope.ts";
import type { AckToSend } from "../../src/services/dispatch-inbound.ts";
import type { DispatchIngest } from "../../src/services/dispatch-ingest.ts";
import type { Clock, Logger } from "../../src/services/ports.ts";

export interface DispatchMqttOptions {
  url: string;
  fleet: string;
  protocolVersion: 4 | 5;
  /** Distinguishes this instance's client ids and persistent sessions (default "1"). */
  instance?: string;
  /** Default: true with MQTT 5. */
  shared?: boolean;
  /** Default 4 with shared subscriptions, 1 without (aedes delivers to every plain subscriber). */
  durableConnections?: number;
  /** Username, password, TLS material... of dispatch's identity (hardware/mosquitto/acl: sosm-dispatch). */
  clientOptions?: Partial<IClientOptions>;
  ingest: DispatchIngest;
  clock: Clock;
  logger: Logger;
}

export const sharedGroup = "dispatch";
const durableSuffixes = ["presence", "status", "equipment", "events", "track"] as const;
const retainedSuffixes = ["presence", "status", "equipment", "position"] as const;
const sessionExpirySeconds = 7 * 24 * 3600;

export class DispatchMqtt {
  private readonly live: MqttClient;
  private readonly durable: MqttClient[] = [];
  private readonly shared: boolean;
  private catchUpDone: () => void = () => undefined;
  /** Resolves once the retained catch-up window of the first connect has closed. */
  readonly caughtUp: Promise<void>;

  constructor(private readonly options: DispatchMqttOptions) {
    const v5 = options.protocolVersion === 5;
    this.shared = options.shared ?? v5;
    this.caughtUp = new Promise((resolve) => {
      this.catchUpDone = resolve;
    });
    if (!this.shared) this.catchUpDone();
    const instance = options.instance ?? "1";
    const base: IClientOptions = {
      protocolVersion: options.protocolVersion,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      keepalive: 30,
      ...options.clientOptions,
    };
    const durableCount = options.durableConnections ?? (this.shared ? 4 : 1);
    this.live = this.connect(base, `sosm-dispatch-${instance}`);
    // Subscribe at EVERY connect, even when the broker says the session is present: mosquitto 2.0
    // restores a persistent session after a restart (sessionPresent: true) but not its shared
    // subscriptions, so dispatch would stay deaf while the broker PUBACKs the cars' events and drops
    // them (found by test/reliability/chaos). Subscribing again to the same filter only replaces it
    // (MQTT 5 §3.8.4): nothing queued is lost, nothing is delivered twice.
    this.live.on("connect", () => {
      this.subscribe(this.live, ["position"], 0);
      if (durableCount === 0) this.subscribe(this.live, durableSuffixes, 1);
      this.catchUpRetained();
    });
    for (let n = 1; n <= durableCount; n++) {
      const client = this.connect(base, `sosm-dispatch-${instance}-${n}`);
      client.on("connect", () => this.subscribe(client, durableSuffixes, 1));
      this.durable.push(client);
    }
  }

  /**
   * Every connection has a persistent session and holds each QoS 1 message's PUBACK until the commit.
   * Its handler is set before any packet can arrive (PITFALLS.md, mqtt.js: queued session messages
   * come at once). mqtt.js sends the PUBACK when `handleMessage` calls back, for MQTT 3.1.1 and 5
   * alike (its `customHandleAcks` works with MQTT 5 only), and passes the next message only then.
   */
  private connect(base: IClientOptions, clientId: string): MqttClient {
    const v5 = this.options.protocolVersion === 5;
    const { ingest, logger } = this.options;
    const client = mqtt.connect(this.options.url, {
      ...base,
      clientId,
      clean: false,
      ...(v5 ? { properties: { sessionExpiryInterval: sessionExpirySeconds } } : {}),
    });
    client.handleMessage = (packet, callback) => {
      if (packet.cmd !== "publish") return callback();
      if (packet.qos === 0) {
        ingest.receive(packet.topic, packet.payload as Buffer);
        return callback();
      }
      ingest.receive(packet.topic, packet.payload as Buffer, (committed) => {
        if (committed) callback();
        // No PUBACK: dropping the connection makes the broker redeliver after the reconnect.
        else client.stream?.destroy();
      });
    };
    client.on("error", (err) => logger.warn({ err, clientId }, "dispatch MQTT error"));
    return client;
  }

  /** Resolves once every connection is up (or rejects after `timeoutMs`). */
  async ready(timeoutMs = 15_000): Promise<void> {
    const all = [this.live, ...this.durable].map(
      (client) =>
        new Promise<void>((resolve, reject) => {
          if (client.connected) return resolve();
          const timer = setTimeout(
            () => reject(new Error(`MQTT broker ${this.options.url} unreachable`)),
            timeoutMs,
          );
          client.once("connect", () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    );
    await Promise.all(all);
  }

  get connected(): boolean {
    return this.live.connected && this.durable.every((c) => c.connected);
  }

  sendAcks(acks: readonly AckToSend[]): void {
    const now = this.options.clock.now();
    for (const ack of acks) {
      const envelope = commandEnvelope({ type: "ack", body: { ref: ack.ref }, now });
      this.live.publish(cmdTopic(ack.fleet, ack.vehicle), JSON.stringify(envelope), { qos: 1 }, (err) => {
        // A lost ack is not lost work: the car re-sends its event, and the duplicate is acked again.
        if (err) this.options.logger.warn({ err, ref: ack.ref }, "ack not sent");
      });
    }
  }

  /** A QoS 1 publish that resolves on PUBACK (the command outbox deletes its row then). */
  publish(topic: string, payload: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.live.connected) return reject(new Error("not connected"));
      this.live.publish(topic, payload, { qos: 1 }, (err) => (err ? reject(err) : resolve()));
    });
  }

  onConnect(listener: () => void): void {
    this.live.on("connect", listener);
  }

  async stop(): Promise<void> {
    this.options.ingest.flush();
    await Promise.all([this.live, ...this.durable].map((client) => client.endAsync()));
  }

  private filter(suffix: string): string {
    const topic = `${topicRoot}/${this.options.fleet}/+/${suffix}`;
    return this.shared ? `$share/${sharedGroup}/${topic}` : topic;
  }

  private subscribe(client: MqttClient, suffixes: readonly string[], qos: 0 | 1): void {
    const filters = Object.fromEntries(suffixes.map((s) => [this.filter(s), { qos }]));
    // `resubscribe`: without it mqtt.js skips filters it believes are still subscribed, and sends nothing.
    client.subscribe({ ...filters, resubscribe: true } as ISubscriptionMap, (err) => {
      if (err)
        this.options.logger.error({ err, filters: Object.keys(filters) }, "dispatch could not subscribe");
    });
  }

  private catchUpRetained(): void {
    if (!this.shared) return;
    const topics = retainedSuffixes.map((s) => `${topicRoot}/${this.options.fleet}/+/${s}`);
    // Retained state only: `rh: 0` sends it at subscribe; the window closes when it has gone quiet.
    this.live.subscribe(Object.fromEntries(topics.map((t) => [t, { qos: 0, rh: 0 }])), (err) => {
      if (err) return this.options.logger.warn({ err }, "retained catch-up subscription refused");
      let quiet: ReturnType<typeof setTimeout>;
      const close = () => {
        this.live.off("message", onRetained);
        clearTimeout(hardStop);
        if (this.live.connected) this.live.unsubscribe(topics, () => this.catchUpDone());
        else this.catchUpDone();
      };
      // Listens beside handleMessage (which stores every message) only to see the retained ones pass.
      const onRetained = (_t: string, _p: Buffer, packet: { retain: boolean }) => {
        if (!packet.retain) return;
        clearTimeout(quiet);
        quiet = setTimeout(close, 1000);
      };
      quiet = setTimeout(close, 1000);
      const hardStop = setTimeout(close, 15_000);
      this.live.on("message", onRetained);
    });
  }
}
