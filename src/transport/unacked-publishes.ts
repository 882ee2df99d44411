/**
 * The car's publishes that await their PUBACK (or their write, for QoS 0).
 *
 * mqtt.js keeps unacknowledged messages in memory and sends them again after a reconnect; a power
 * cut empties that memory, so the durable outbox (src/services/dispatch-link.ts) must alone decide
 * what is sent again. When a connection closes, every publish still waiting is rejected (the outbox
 * keeps its row) and mqtt.js's copy is removed, so that nothing goes out twice behind its back.
 */
import { maxPayloadBytes } from "../contracts/fields.ts";
import type { MqttClientLike } from "./mqtt-client-like.ts";

export class UnackedPublishes {
  /** Rejecters of the publishes in flight. */
  private readonly pending = new Set<(err: Error) => void>();

  /** Publishes and settles on the PUBACK; refuses a payload the broker would drop the connection for. */
  send(client: MqttClientLike, topic: string, payload: string, qos: 0 | 1, retain: boolean): Promise<void> {
    const size = Buffer.byteLength(payload, "utf8");
    // PROTOCOL.md A: every payload is at most 64 KiB; the broker would drop the connection anyway.
    if (size > maxPayloadBytes) {
      return Promise.reject(new RangeError(`payload of ${size} bytes exceeds ${maxPayloadBytes}`));
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        this.pending.delete(settle);
        if (err) reject(err);
        else resolve();
      };
      this.pending.add(settle);
      try {
        client.publish(topic, payload, { qos, retain }, (err) => settle(err ?? undefined));
      } catch (err) {
        settle(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** After `client`'s connection closed: fails what awaits a PUBACK and removes mqtt.js's copies. */
  abandon(client: MqttClientLike, err: Error): void {
    this.rejectAll(err);
    for (const [id, entry] of Object.entries(client.outgoing)) {
      if (entry.cmd === "publish") client.removeOutgoingMessage(Number(id));
    }
  }

  rejectAll(err: Error): void {
    for (const reject of [...this.pending]) reject(err);
  }
}
