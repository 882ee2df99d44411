/**
 * The transactional outbox (DESIGN.md §3), as services see it (implemented in src/store).
 *
 * A status change, a mission acknowledgement or an alarm is committed together with its outgoing
 * message in ONE SQLite transaction (synchronous=FULL). A separate publisher loop sends messages in
 * `seq` order while connected and deletes each one on PUBACK. Every message has a unique id that
 * dispatch de-duplicates on, so a crash between PUBACK and delete only causes a harmless resend.
 */
import type { CarTopicSuffix } from "../contracts/ids.ts";
import type { CarMessageType } from "../contracts/messages.ts";
import type { QoS } from "./dispatch-link.ts";

/** queued → sent (PUBACK from the broker) → received (dispatch's own `ack`). */
export type DeliveryState = "queued" | "sent" | "received";

export interface OutboxMessage {
  id: string;
  seq: number;
  type: CarMessageType;
  suffix: CarTopicSuffix;
  qos: QoS;
  retain: boolean;
  /** The complete JSON envelope, exactly as it goes on the wire. */
  payload: string;
  createdAt: number;
}

export interface UnitOfWork {
  /** Runs `work` in one SQLite transaction; everything it enqueues commits or rolls back with it. */
  transaction<T>(work: () => T): T;
}

export interface Outbox {
  /**
   * Wraps `body` in the envelope (id, ts, src, next persisted seq) and stores it. Call it inside
   * UnitOfWork.transaction together with the state change that causes it.
   */
  enqueue<T extends CarMessageType>(type: T, body: unknown, now: number): OutboxMessage;
  /**
   * The oldest pending messages, in seq order; with `afterSeq`, only those whose seq is greater (the
   * publisher's pipeline reads past what it already has in flight without reading it again).
   */
  pending(limit: number, afterSeq?: number): OutboxMessage[];
  pendingCount(): number;
  /** PUBACK received: remove from the outbox, delivery state → sent. */
  markPublished(id: string, at: number): void;
}

export interface DeliveryLog {
  /** Dispatch acknowledged event `ref`: delivery state → received. False if unknown. */
  markReceived(ref: string, at: number): boolean;
  stateOf(
    id: string,
  ): { state: DeliveryState; queuedAt: number; sentAt?: number; receivedAt?: number } | null;
}
