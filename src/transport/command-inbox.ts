/**
 * Commands from dispatch, from mqtt.js's `message` event to the link's listeners, and the
 * redelivery of a command a listener could not store.
 *
 * A listener that answers "retry" (the inbox could not write it: a full disk) makes the link
 * withhold the command's PUBACK, and the connection is dropped 2 s later, because MQTT delivers an
 * unacknowledged QoS 1 message again only on a new connection. Before, the PUBACK went out whatever
 * happened, and a mission assigned during a full disk never reached the doctor (test/reliability/chaos).
 */
import type { CommandHandling } from "../services/dispatch-link.ts";
import type { Logger } from "../services/ports.ts";
import type { MqttClientLike } from "./mqtt-client-like.ts";

export type CommandListener = (topic: string, payload: Buffer) => CommandHandling | unknown;

export interface CommandInboxContext {
  logger: Logger;
  /** Runs an event handler, logging what it throws. */
  guard: (what: string, action: () => void) => void;
  /** The topics passed on to the listeners. */
  isCommandTopic: (topic: string) => boolean;
  /** Whether `client` is still the link's live connection (not replaced, link not stopped). */
  isLive: (client: MqttClientLike) => boolean;
}

/** How long a connection stays up after a command was withheld, before it is dropped for a redelivery. */
const redeliveryDelayMs = 2000;

export class CommandInbox {
  private readonly ctx: CommandInboxContext;
  private readonly listeners = new Set<CommandListener>();
  /** Set by the listeners of the message being handled: withhold its PUBACK. */
  private withholdAck = false;
  private redeliveryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(context: CommandInboxContext) {
    this.ctx = context;
  }

  onCommand(listener: CommandListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hooks a new client. Call it before connect(): a persistent session delivers queued commands
   * right after the CONNACK, and mqtt.js drops them when no `message` handler exists yet (PITFALLS.md).
   */
  attach(client: MqttClientLike): void {
    client.on("message", (topic: string, payload: Buffer) =>
      this.ctx.guard("message", () => this.onMessage(topic, payload)),
    );
    // mqtt.js calls this right after the `message` event of the same packet, one packet at a time.
    client.handleMessage = (_packet, callback) => {
      if (!this.withholdAck) return callback();
      this.withholdAck = false;
      callback(new Error("command not stored: PUBACK withheld for a redelivery"));
      this.dropForRedelivery(client);
    };
  }

  /** Cancels a pending drop and schedules no other: the link is stopping. */
  stop(): void {
    this.stopped = true;
    if (this.redeliveryTimer !== null) clearTimeout(this.redeliveryTimer);
    this.redeliveryTimer = null;
  }

  private onMessage(topic: string, payload: Buffer): void {
    // A session created by an older build could hold other subscriptions: pass on commands only.
    if (!this.ctx.isCommandTopic(topic)) {
      this.ctx.logger.warn({ topic }, "message on a topic that is not a command topic; dropped");
      return;
    }
    for (const listener of this.listeners)
      this.ctx.guard("command listener", () => {
        if (listener(topic, payload) === "retry") this.withholdAck = true;
      });
  }

  private dropForRedelivery(client: MqttClientLike): void {
    if (this.stopped || this.redeliveryTimer !== null) return;
    this.ctx.logger.warn(
      { inMs: redeliveryDelayMs },
      "a command could not be stored: reconnecting for its redelivery",
    );
    this.redeliveryTimer = setTimeout(() => {
      this.redeliveryTimer = null;
      if (!this.ctx.isLive(client)) return;
      (client.stream as { destroy?: () => void } | undefined)?.destroy?.();
    }, redeliveryDelayMs);
  }
}
