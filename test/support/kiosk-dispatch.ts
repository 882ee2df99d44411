/**
 * A scripted dispatch for the kiosk end-to-end test and bench: a real mqtt.js client on the real
 * broker that records everything the car publishes, acknowledges every event and status with its
 * own `ack` (so the screen can show "reçu par la régulation"), and sends commands.
 */
import mqtt, { type MqttClient } from "mqtt";
import { newMessageId } from "../../src/contracts/message-id.ts";
import { waitUntil } from "./socat.ts";

export interface Received {
  topic: string;
  type: string;
  id: string;
  body: Record<string, unknown>;
  retain: boolean;
  /** performance.now() at reception, for the bench. */
  at: number;
}

export interface ScriptedDispatchOptions {
  url: string;
  fleet?: string;
  vehicle?: string;
  /** Acknowledge every message that has a `seq` (default true). */
  autoAck?: boolean;
}

export class ScriptedDispatch {
  readonly received: Received[] = [];
  private readonly listeners = new Set<(message: Received) => void>();

  private constructor(
    readonly client: MqttClient,
    private readonly prefix: string,
    private readonly autoAck: boolean,
  ) {}

  static async connect(options: ScriptedDispatchOptions): Promise<ScriptedDispatch> {
    const prefix = `sosm/v1/${options.fleet ?? "bordeaux"}/${options.vehicle ?? "BDX-07"}`;
    const client = mqtt.connect(options.url, {
      clientId: `dispatch-test-${process.pid}-${Date.now()}`,
      reconnectPeriod: 200,
    });
    const dispatch = new ScriptedDispatch(client, prefix, options.autoAck ?? true);
    // The handler before the subscription: retained messages arrive at once (PITFALLS.md, mqtt.js).
    client.on("message", (topic, payload, packet) => dispatch.record(topic, payload, packet.retain));
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
    await client.subscribeAsync(`${prefix}/#`, { qos: 1 });
    return dispatch;
  }

  get cmdTopic(): string {
    return `${this.prefix}/cmd`;
  }

  onMessage(listener: (message: Received) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async send(type: string, body: unknown): Promise<string> {
    const now = Date.now();
    const id = newMessageId(now);
    const envelope = { v: 1, id, type, ts: new Date(now).toISOString(), src: "dispatch", body };
    await this.client.publishAsync(this.cmdTopic, JSON.stringify(envelope), { qos: 1 });
    return id;
  }

  of(type: string): Received[] {
    return this.received.filter((message) => message.type === type);
  }

  /** Waits until a message matching `predicate` has arrived; returns it. */
  async waitFor(
    predicate: (message: Received) => boolean,
    what: string,
    timeoutMs = 15_000,
  ): Promise<Received> {
    await waitUntil(() => this.received.some(predicate), what, timeoutMs);
    return this.received.find(predicate) as Received;
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  private record(topic: string, payload: Buffer, retain: boolean): void {
    if (topic === this.cmdTopic) return;
    let envelope: { id?: string; type?: string; seq?: number; body?: Record<string, unknown> };
    try {
      envelope = JSON.parse(payload.toString("utf8"));
    } catch {
      return;
    }
    const message: Received = {
      topic,
      type: envelope.type ?? "?",
      id: envelope.id ?? "?",
      body: envelope.body ?? {},
      retain,
      at: performance.now(),
    };
    this.received.push(message);
    for (const listener of this.listeners) listener(message);
    if (this.autoAck && envelope.seq !== undefined && envelope.id !== undefined && !retain)
      void this.send("ack", { ref: envelope.id }).catch(() => {});
  }
}
