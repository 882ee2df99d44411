/**
 * The car's DispatchLink (src/services/dispatch-link.ts) over mqtt.js 5 (PROTOCOL.md A, DESIGN.md §4).
 *
 * - Client id `sosm-{fleet}-{vehicle}`, MQTT 5 persistent session (mqtt-options.ts).
 * - Presence: the last will is a retained QoS 1 `offline`, and every CONNACK publishes a retained
 *   QoS 1 `online` (birth). Both bypass the outbox, so they carry no `seq`. The will is rebuilt
 *   before every attempt: receivers de-duplicate on the envelope id, so two wills must not share one.
 * - Subscribes QoS 1 to the car's own `cmd` and its fleet's `_all/cmd` at every CONNACK, even when
 *   the broker says it kept the session (command-subscriptions.ts).
 * - Reconnects with capped backoff (src/domain/backoff.ts). mqtt.js has none, only a fixed
 *   `reconnectPeriod` that it reads when a connection closes (PITFALLS.md), so
 *   `client.options.reconnectPeriod` always holds the delay for the next close: it grows after each
 *   close and resets on CONNACK.
 * - `publish` never lets mqtt.js queue (it keeps its queue in memory, which a power cut empties):
 *   it rejects at once while offline, and rejects on close what awaits a PUBACK, removing mqtt.js's
 *   copy so that the outbox alone decides what is sent again (unacked-publishes.ts).
 * - A command a listener could not store (it answers "retry": a full disk) gets no PUBACK, and the
 *   connection is dropped so that the broker delivers it again (command-inbox.ts).
 * Every handler catches and logs: nothing here throws out of an event.
 */
import type { IConnackPacket } from "mqtt";
import { type CarTopicSuffix, mqttClientId, topicFor } from "../contracts/ids.ts";
import { type BackoffPolicy, nextBackoffMs } from "../domain/backoff.ts";
import type { DispatchLink, DispatchLinkStatus, PublishOptions } from "../services/dispatch-link.ts";
import type { Clock, Logger } from "../services/ports.ts";
import { CommandInbox, type CommandListener } from "./command-inbox.ts";
import { CommandSubscriptions } from "./command-subscriptions.ts";
import { type MqttClientLike, type MqttConnect, mqttJsConnect } from "./mqtt-client-like.ts";
import { buildClientOptions, defaultBackoff, type TlsFiles } from "./mqtt-options.ts";
import { type PresenceDoctor, presenceEnvelope } from "./presence-envelope.ts";
import { UnackedPublishes } from "./unacked-publishes.ts";

export interface MqttDispatchLinkContext {
  fleet: string;
  vehicle: string;
  url: string;
  username?: string;
  password?: string;
  /** PEM file paths, read when the client is created (a restart picks up rotated files). */
  tls?: TlsFiles;
  keepaliveSeconds?: number;
  logger: Logger;
  clock: Clock;
  /** The `app` of the presence body, e.g. "1.2.3". */
  appVersion: string;
  backoff?: Partial<BackoffPolicy>;
  sessionExpirySeconds?: number;
  protocolVersion?: 4 | 5;
  connectTimeoutMs?: number;
  /** How long stop() waits for the `offline` PUBACK and the DISCONNECT. */
  stopTimeoutMs?: number;
  connect?: MqttConnect;
}

type StatusListener = (status: DispatchLinkStatus) => void;

export class MqttDispatchLink implements DispatchLink {
  readonly clientId: string;
  private readonly ctx: MqttDispatchLinkContext;
  private readonly logger: Logger;
  private readonly backoff: BackoffPolicy;
  private readonly commandSubscriptions: CommandSubscriptions;
  private readonly inbox: CommandInbox;
  private readonly unacked = new UnackedPublishes();
  private readonly statusListeners = new Set<StatusListener>();
  private current: DispatchLinkStatus;
  private client: MqttClientLike | null = null;
  private nextDelayMs: number;
  private lastError: string | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  private stopped = false;
  private presenceDoctor: () => PresenceDoctor | null = () => null;

  constructor(context: MqttDispatchLinkContext) {
    this.ctx = context;
    this.clientId = mqttClientId(context.fleet, context.vehicle);
    this.logger = context.logger.child({ component: "mqtt", clientId: this.clientId });
    this.backoff = { ...defaultBackoff, ...context.backoff };
    this.nextDelayMs = this.backoff.initialMs;
    const guard = (what: string, action: () => void): void => this.guard(what, action);
    const { fleet, vehicle } = context;
    this.commandSubscriptions = new CommandSubscriptions({ fleet, vehicle, logger: this.logger, guard });
    this.inbox = new CommandInbox({
      logger: this.logger,
      guard,
      isCommandTopic: (topic) => this.commandSubscriptions.isCommandTopic(topic),
      isLive: (client) => client === this.client && !this.stopped,
    });
    this.presence("online"); // Fails now, not at the first CONNACK, on an invalid appVersion.
    this.current = { state: "stopped", since: context.clock.now() };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.attempt();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.inbox.stop();
    const client = this.client;
    const timeoutMs = this.ctx.stopTimeoutMs ?? 3000;
    if (client?.connected) {
      // An intentional DISCONNECT discards the will (MQTT 5 §3.14.4), so say `offline` ourselves.
      try {
        await withTimeout(this.send(client, "presence", this.presence("offline"), 1, true), timeoutMs);
      } catch (err) {
        this.logger.warn({ err }, "offline presence not acknowledged before stop");
      }
    }
    if (client) {
      await withTimeout(
        new Promise<void>((resolve) => client.end(!client.connected, resolve)),
        timeoutMs,
      ).catch((err: unknown) => this.logger.warn({ err }, "mqtt client did not end cleanly"));
    }
    this.unacked.rejectAll(new Error("dispatch link stopped"));
    this.setStatus({ state: "stopped", since: this.ctx.clock.now() });
    this.logger.info("dispatch link stopped");
  }

  isConnected(): boolean {
    return this.current.state === "connected" && this.client?.connected === true;
  }

  status(): DispatchLinkStatus {
    return this.current;
  }

  /** Each command topic with its last SUBACK code (1 = granted QoS 1, >= 0x80 = refused), for diagnostics. */
  subscriptions(): ReadonlyMap<string, number | undefined> {
    return this.commandSubscriptions.grantsByTopic();
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /**
   * The doctor on shift for `online` presences (issue 10). A provider, read at each birth, so that a
   * reconnect after a sign-in made offline still names the doctor.
   */
  setPresenceDoctor(provider: () => PresenceDoctor | null): void {
    this.presenceDoctor = provider;
  }

  /**
   * Publishes the retained `online` presence again (after a sign-in or sign-out). Offline it does
   * nothing: the next birth carries the doctor anyway. Never rejects.
   */
  async republishPresence(): Promise<void> {
    const client = this.client;
    if (client === null || !this.isConnected()) return;
    try {
      await this.send(client, "presence", this.presence("online"), 1, true);
    } catch (err) {
      this.logger.warn({ err }, "presence not re-published; the next connection will");
    }
  }

  onCommand(listener: CommandListener): () => void {
    return this.inbox.onCommand(listener);
  }

  publish(suffix: CarTopicSuffix, payload: string, options: PublishOptions): Promise<void> {
    const client = this.client;
    if (client === null || !this.isConnected()) {
      return Promise.reject(new Error(`dispatch link is not connected (${this.current.state})`));
    }
    return this.send(client, suffix, payload, options.qos, options.retain);
  }

  private send(client: MqttClientLike, suffix: CarTopicSuffix, payload: string, qos: 0 | 1, retain: boolean) {
    const topic = topicFor(this.ctx.fleet, this.ctx.vehicle, suffix);
    return this.unacked.send(client, topic, payload, qos, retain);
  }

  private attempt(): void {
    this.retryTimer = null;
    if (this.stopped) return;
    this.setStatus({ state: "connecting", since: this.ctx.clock.now() });
    let client: MqttClientLike;
    try {
      const options = buildClientOptions({
        ...this.ctx,
        clientId: this.clientId,
        reconnectPeriodMs: this.nextDelayMs,
        will: {
          topic: topicFor(this.ctx.fleet, this.ctx.vehicle, "presence"),
          payload: this.presence("offline"),
        },
      });
      client = (this.ctx.connect ?? mqttJsConnect)(this.ctx.url, options);
    } catch (err) {
      // A TLS file missing or unreadable (mid-rotation?) or a bad URL: retried like an outage,
      // with the reason shown, because the car must keep running (DESIGN.md §3).
      this.lastError = toError(err).message;
      this.logger.error({ err }, "cannot create the mqtt client");
      this.retryTimer = setTimeout(() => this.attempt(), this.goOffline());
      return;
    }
    this.client = client;
    this.inbox.attach(client); // before connect(): see attach()
    client.on("connect", (connack: IConnackPacket) =>
      this.guard("connect", () => this.onConnack(client, connack)),
    );
    client.on("close", () => this.guard("close", () => this.onClose(client)));
    client.on("reconnect", () => this.guard("reconnect", () => this.onReconnect(client)));
    client.on("error", (err: Error) => {
      this.lastError = err.message;
      this.logger.warn({ err }, "mqtt error");
    });
    client.connect();
  }

  private onConnack(client: MqttClientLike, connack: IConnackPacket): void {
    if (this.stopped) return;
    // Statuses and alarms are small packets written right behind another one: with Nagle's
    // algorithm on, the kernel holds them for the previous segment's ACK (~40 ms on loopback).
    const socket = client.stream as { setNoDelay?: (noDelay: boolean) => unknown } | undefined;
    socket?.setNoDelay?.(true);
    this.nextDelayMs = this.backoff.initialMs;
    client.options.reconnectPeriod = this.nextDelayMs;
    this.lastError = undefined;
    this.setStatus({ state: "connected", since: this.ctx.clock.now() });
    this.logger.info({ sessionPresent: connack.sessionPresent }, "connected to the broker");
    this.send(client, "presence", this.presence("online"), 1, true).catch((err: unknown) =>
      this.logger.warn({ err }, "birth presence not published"),
    );
    // Whatever connack.sessionPresent says: a restarted broker may have lost the subscriptions.
    this.commandSubscriptions.subscribe(client);
  }

  private onClose(client: MqttClientLike): void {
    if (client !== this.client) return;
    this.unacked.abandon(client, new Error("connection to the broker closed before the PUBACK"));
    if (this.stopped) return;
    // mqtt.js's own `close` listener ran first and scheduled the retry after `nextDelayMs`.
    const delay = this.goOffline();
    client.options.reconnectPeriod = this.nextDelayMs;
    this.logger.warn({ retryInMs: delay, lastError: this.lastError }, "disconnected from the broker");
  }

  private onReconnect(client: MqttClientLike): void {
    if (this.stopped) return;
    // mqtt.js reads options.will at each CONNECT: give each connection its own will id and time.
    const will = client.options.will;
    if (will) will.payload = Buffer.from(this.presence("offline"));
    this.setStatus({ state: "connecting", since: this.ctx.clock.now() });
  }

  /** Shows `offline` with the delay before the next attempt, and grows the one after (×factor, capped). */
  private goOffline(): number {
    const delay = this.nextDelayMs;
    // Rounded when stored: mqtt.js reads it as a timer delay (reconnectPeriod).
    this.nextDelayMs = Math.round(nextBackoffMs(delay, this.backoff));
    const { lastError } = this;
    this.setStatus({ state: "offline", since: this.ctx.clock.now(), retryInMs: delay, lastError });
    return delay;
  }

  private presence(state: "online" | "offline"): string {
    let doctor: PresenceDoctor | null = null;
    if (state === "online")
      try {
        doctor = this.presenceDoctor();
      } catch (err) {
        this.logger.error({ err }, "doctor on shift unreadable; presence without it");
      }
    return presenceEnvelope(this.ctx, state, this.ctx.clock.now(), doctor);
  }

  private setStatus(status: DispatchLinkStatus): void {
    this.current = status;
    for (const listener of this.statusListeners) this.guard("status listener", () => listener(status));
  }

  private guard(what: string, action: () => void): void {
    try {
      action();
    } catch (err) {
      this.logger.error({ err, what }, "error in an mqtt event handler");
    }
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
