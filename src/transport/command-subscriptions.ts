/**
 * The car's subscriptions (PROTOCOL.md A): QoS 1 to its own `cmd` and its fleet's `_all/cmd`, and
 * nothing else, with the SUBACK code of each kept for diagnostics.
 *
 * They are requested again at EVERY CONNACK, whatever `sessionPresent` says, because the broker's
 * copy of them cannot be trusted after a restart: mosquitto without persistence (or killed before
 * its autosave) comes back with no session (sessionPresent: false), and mosquitto 2.0 restores a
 * session without some of its subscriptions (sessionPresent: true; dispatch met it with its shared
 * subscriptions, apps/dispatch/dispatch-mqtt.ts). Subscribing again to the same filter only
 * replaces the subscription (MQTT 5 §3.8.4), and queued commands are not lost by it.
 * mqtt.js's own `resubscribe` cannot do this: it re-sends only when sessionPresent is false, and
 * when on it makes `subscribe()` skip filters it believes held, so it is off (mqtt-options.ts) and
 * this SUBSCRIBE always goes out. test/integration/link/command-subscription-broker-restart.test.ts
 */
import type { ISubscriptionGrant, Packet } from "mqtt";
import { cmdTopic, fleetCmdTopic } from "../contracts/ids.ts";
import type { Logger } from "../services/ports.ts";
import { type MqttClientLike, subackCodes } from "./mqtt-client-like.ts";

export interface CommandSubscriptionsContext {
  fleet: string;
  vehicle: string;
  logger: Logger;
  /** Runs an event handler, logging what it throws. */
  guard: (what: string, action: () => void) => void;
}

export class CommandSubscriptions {
  readonly topics: readonly string[];
  private readonly ctx: CommandSubscriptionsContext;
  /** The SUBACK code of each command topic at the last CONNACK (undefined: no SUBACK yet). */
  private readonly grants = new Map<string, number | undefined>();

  constructor(context: CommandSubscriptionsContext) {
    this.ctx = context;
    this.topics = [cmdTopic(context.fleet, context.vehicle), fleetCmdTopic(context.fleet)];
  }

  /** Called at every CONNACK (see above for why not only when the session is new). */
  subscribe(client: MqttClientLike): void {
    const wanted = Object.fromEntries(this.topics.map((topic) => [topic, { qos: 1 as const }]));
    client.subscribe(wanted, (err, granted, packet) =>
      this.ctx.guard("suback", () => this.checkGrants(err, granted, packet)),
    );
  }

  isCommandTopic(topic: string): boolean {
    return this.topics.includes(topic);
  }

  /** Each command topic with its last SUBACK code (1 = granted QoS 1, >= 0x80 = refused). */
  grantsByTopic(): ReadonlyMap<string, number | undefined> {
    return new Map(this.topics.map((topic) => [topic, this.grants.get(topic)]));
  }

  private checkGrants(err: Error | null, granted?: ISubscriptionGrant[], packet?: Packet): void {
    const { logger } = this.ctx;
    const codes = subackCodes(this.topics.length, granted, packet);
    this.topics.forEach((topic, i) => {
      const code = codes[i];
      this.grants.set(topic, code);
      if (code === undefined) logger.error({ err, topic }, "subscription not confirmed");
      else if (code >= 0x80) logger.error({ topic, code }, "subscription refused by the broker (ACL?)");
      else if (code < 1)
        logger.warn({ topic, code }, "subscription downgraded to QoS 0: commands may be lost");
      else logger.debug({ topic, code }, "subscribed");
    });
  }
}
