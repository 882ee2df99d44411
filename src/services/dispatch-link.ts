/**
 * The car's link to dispatch, as services see it (implemented by src/transport over mqtt.js).
 *
 * The link never keeps messages across a disconnect: mqtt.js's own queue lives in memory and a
 * power cut empties it (PITFALLS.md), so durability is the outbox's job (src/services/outbox.ts),
 * and `publish` rejects while offline instead of queueing.
 */
import type { CarTopicSuffix } from "../contracts/ids.ts";

export type QoS = 0 | 1;

export interface PublishOptions {
  qos: QoS;
  retain: boolean;
}

export type DispatchLinkStatus =
  | { state: "connecting"; since: number }
  | { state: "connected"; since: number }
  | { state: "offline"; since: number; retryInMs: number; lastError?: string }
  | { state: "stopped"; since: number };

/**
 * What a command listener says about a command: "retry" when it could not be stored (a full disk):
 * the link then withholds the acknowledgement, so that the broker delivers the command again.
 */
export type CommandHandling = "handled" | "retry";

export interface DispatchLink {
  /** Attach every listener before start(): a persistent session delivers queued commands at once. */
  start(): void;
  stop(): Promise<void>;
  isConnected(): boolean;
  status(): DispatchLinkStatus;
  onStatus(listener: (status: DispatchLinkStatus) => void): () => void;
  /**
   * Publishes under the car's own prefix. Resolves on PUBACK (QoS 1) or once written (QoS 0).
   * Rejects at once when offline, and when the connection drops before the PUBACK.
   */
  publish(suffix: CarTopicSuffix, payload: string, options: PublishOptions): Promise<void>;
  /**
   * Raw payloads from the car's `cmd` topic and the fleet's `_all/cmd`; checking them is the inbox's
   * job. A listener that returns "retry" gets the command again later (QoS 1 redelivery).
   */
  onCommand(listener: (topic: string, payload: Buffer) => CommandHandling | unknown): () => void;
}
