/**
 * The transactional outbox in SQLite (schema in outbox-migrations.ts): implements the `Outbox`,
 * `DeliveryLog` and `UnitOfWork` ports of src/services/outbox.ts.
 *
 * - `enqueue` builds the envelope (PROTOCOL.md A: v, id, type, ts, src, seq, body), validates it with
 *   the contract's `carMessageSchema`, and stores it with its delivery state in one savepoint. The seq
 *   comes from a persisted counter bumped in the same transaction, so a rolled-back enqueue leaves no
 *   gap, and a seq is never handed out twice, even after the outbox was emptied. An invalid body
 *   throws, which rolls back the caller's whole unit of work: the state change never commits without
 *   its message.
 * - SQLite serialises writers, so commit order is seq order: the publisher reading `pending` in seq
 *   order never sees seq 6 committed before seq 5.
 * - Open the database with `synchronous: "FULL"` (PITFALLS.md, better-sqlite3): a commit must survive
 *   a power cut.
 */
import type { Database, Statement } from "better-sqlite3";
import { protocolVersion } from "../contracts/envelope.ts";
import { maxPayloadBytes } from "../contracts/fields.ts";
import { messageIdKey, vehicleIdSchema } from "../contracts/ids.ts";
import { newMessageId } from "../contracts/message-id.ts";
import {
  type CarMessageType,
  carMessageRoutes,
  carMessageSchema,
  describeIssues,
} from "../contracts/messages.ts";
import type { QoS } from "../services/dispatch-link.ts";
import type { DeliveryLog, DeliveryState, Outbox, OutboxMessage, UnitOfWork } from "../services/outbox.ts";

/** Delivery states older than this are pruned by `pruneExpiredDeliveries` (the UI shows recent ones). */
export const deliveryRetentionMs = 7 * 86_400_000;

export interface SqliteOutboxOptions {
  /** Opened with openDatabase({ synchronous: "FULL", migrations including outboxMigrations }). */
  db: Database;
  /** The envelope `src`. */
  vehicle: string;
  /** Wall clock for retention (default `Date.now`). */
  now?: () => number;
}

export class OutboxError extends Error {
  override name = "OutboxError";
}

interface OutboxRow {
  seq: number;
  id: string;
  type: CarMessageType;
  suffix: OutboxMessage["suffix"];
  qos: QoS;
  retain: 0 | 1;
  payload: string;
  created_at: number;
}

interface DeliveryRow {
  state: DeliveryState;
  queued_at: number;
  sent_at: number | null;
  received_at: number | null;
}

export type DeliveryRecord = NonNullable<ReturnType<DeliveryLog["stateOf"]>>;

const columns = "seq, id, type, suffix, qos, retain, payload, created_at";

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type,
    suffix: row.suffix,
    qos: row.qos,
    retain: row.retain === 1,
    payload: row.payload,
    createdAt: row.created_at,
  };
}

function toDelivery(row: DeliveryRow): DeliveryRecord {
  // Absent keys rather than `undefined` values: a time that did not happen is absent, never 0.
  const record: DeliveryRecord = { state: row.state, queuedAt: row.queued_at };
  if (row.sent_at !== null) record.sentAt = row.sent_at;
  if (row.received_at !== null) record.receivedAt = row.received_at;
  return record;
}

function epochMs(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${what} must be a finite epoch ms, got ${value}`);
  return Math.round(value);
}

export class SqliteOutbox implements Outbox, DeliveryLog, UnitOfWork {
  private readonly db: Database;
  private readonly vehicle: string;
  private readonly now: () => number;
  private readonly nextSeq: Statement<[], number>;
  private readonly insertOutbox: Statement<[number, string, string, string, number, number, string, number]>;
  private readonly insertDelivery: Statement<[string, number, string, number]>;
  private readonly selectPending: Statement<[number, number], OutboxRow>;
  private readonly countPending: Statement<[], number>;
  private readonly deleteOutbox: Statement<[string]>;
  private readonly setSent: Statement<[number, string]>;
  private readonly setReceived: Statement<[number, string]>;
  private readonly selectDelivery: Statement<[string], DeliveryRow>;
  private readonly pruneDeliveries: Statement<[number]>;
  /** Copies kept for a resend until dispatch's ack (resend-migrations.ts); null without that table. */
  private readonly unacked: {
    copy: Statement<[number, string]>;
    remove: Statement<[string]>;
    select: Statement<[number], OutboxRow>;
    prune: Statement<[number]>;
  } | null;
  private readonly store: (message: OutboxMessage, body: unknown) => OutboxMessage;
  private readonly published: (key: string, at: number) => void;
  private readonly received: (key: string, at: number) => boolean;

  constructor(options: SqliteOutboxOptions) {
    const { db } = options;
    if (!vehicleIdSchema.safeParse(options.vehicle).success)
      throw new TypeError(`invalid vehicle id ${JSON.stringify(options.vehicle)}`);
    this.db = db;
    this.vehicle = options.vehicle;
    this.now = options.now ?? Date.now;
    this.nextSeq = db
      .prepare<[], number>(
        "UPDATE outbox_sequence SET last_seq = last_seq + 1 WHERE singleton = 1 RETURNING last_seq",
      )
      .pluck();
    this.insertOutbox = db.prepare(`INSERT INTO outbox (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertDelivery = db.prepare(
      "INSERT INTO deliveries (id, seq, type, queued_at, state) VALUES (?, ?, ?, ?, 'queued')",
    );
    this.selectPending = db.prepare(`SELECT ${columns} FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.countPending = db.prepare<[], number>("SELECT COUNT(*) FROM outbox").pluck();
    this.deleteOutbox = db.prepare("DELETE FROM outbox WHERE id = ?");
    this.setSent = db.prepare(
      "UPDATE deliveries SET state = 'sent', sent_at = ? WHERE id = ? AND state = 'queued'",
    );
    // An ack may overtake our own PUBACK handling (a resend after a crash): received wins, and the
    // first reception time is kept when dispatch acks twice.
    this.setReceived = db.prepare(
      "UPDATE deliveries SET state = 'received', received_at = ? WHERE id = ? AND state != 'received'",
    );
    this.selectDelivery = db.prepare(
      "SELECT state, queued_at, sent_at, received_at FROM deliveries WHERE id = ?",
    );
    // Queued deliveries still have their message in the outbox: never prune those.
    this.pruneDeliveries = db.prepare("DELETE FROM deliveries WHERE queued_at < ? AND state != 'queued'");

    // A database opened with the outbox's migrations only (unit tests) has no `unacked` table: the
    // resend then keeps its copies in memory.
    this.unacked =
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'unacked'").get() === undefined
        ? null
        : {
            copy: db.prepare(
              `INSERT OR REPLACE INTO unacked (seq, id, type, suffix, qos, payload, created_at, published_at)
               SELECT seq, id, type, suffix, qos, payload, created_at, ? FROM outbox WHERE id = ?`,
            ),
            remove: db.prepare("DELETE FROM unacked WHERE id = ?"),
            select: db.prepare(
              "SELECT seq, id, type, suffix, qos, 0 AS retain, payload, created_at FROM unacked ORDER BY seq LIMIT ?",
            ),
            prune: db.prepare("DELETE FROM unacked WHERE created_at < ?"),
          };
    this.store = db.transaction((message: OutboxMessage, body: unknown) => {
      const seq = this.nextSeq.get();
      if (seq === undefined)
        throw new OutboxError("outbox_sequence row is missing (migration 2 not applied?)");
      const ts = new Date(message.createdAt).toISOString();
      const envelope = {
        v: protocolVersion,
        id: message.id,
        type: message.type,
        ts,
        src: this.vehicle,
        seq,
        body,
      };
      const parsed = carMessageSchema.safeParse(envelope);
      if (!parsed.success)
        throw new OutboxError(`invalid ${message.type} message: ${describeIssues(parsed.error)}`);
      // The validated body (unknown fields stripped), in the documented field order.
      const payload = JSON.stringify({ ...envelope, body: parsed.data.body });
      const size = Buffer.byteLength(payload, "utf8");
      if (size > maxPayloadBytes)
        throw new OutboxError(`${message.type} message of ${size} bytes exceeds ${maxPayloadBytes}`);
      const stored: OutboxMessage = { ...message, seq, payload };
      this.insertOutbox.run(
        seq,
        stored.id,
        stored.type,
        stored.suffix,
        stored.qos,
        stored.retain ? 1 : 0,
        payload,
        stored.createdAt,
      );
      this.insertDelivery.run(stored.id, seq, stored.type, stored.createdAt);
      return stored;
    });
    this.published = db.transaction((key: string, at: number) => {
      this.unacked?.copy.run(at, key);
      this.deleteOutbox.run(key);
      this.setSent.run(at, key);
    });
    this.received = db.transaction((key: string, at: number) => {
      if (this.selectDelivery.get(key) === undefined) return false;
      // Dispatch has it durably: resending it would only be de-duplicated, so drop it from the outbox.
      this.deleteOutbox.run(key);
      this.unacked?.remove.run(key);
      this.setReceived.run(at, key);
      return true;
    });
  }

  transaction<T>(work: () => T): T {
    // IMMEDIATE takes the write lock at BEGIN, so that another connection (the UI API) cannot make
    // the upgrade from read to write fail with SQLITE_BUSY halfway through. Nested calls are savepoints.
    return this.db.transaction(work).immediate();
  }

  enqueue<T extends CarMessageType>(type: T, body: unknown, now: number): OutboxMessage {
    const route = (carMessageRoutes as Partial<Record<string, (typeof carMessageRoutes)[CarMessageType]>>)[
      type
    ];
    if (route === undefined) throw new OutboxError(`unknown car message type ${JSON.stringify(type)}`);
    // PROTOCOL.md A: live `position` bypasses the outbox and carries no seq (a newer fix supersedes it).
    if (type === "position") throw new OutboxError("live position bypasses the outbox (no seq)");
    const createdAt = epochMs(now, "now");
    return this.store(
      {
        id: newMessageId(createdAt),
        seq: 0,
        type,
        suffix: route.suffix,
        qos: route.qos,
        retain: route.retained,
        payload: "",
        createdAt,
      },
      body,
    );
  }

  pending(limit: number, afterSeq = 0): OutboxMessage[] {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer, got ${limit}`);
    return this.selectPending.all(afterSeq, limit).map(toMessage);
  }

  pendingCount(): number {
    return this.countPending.get() ?? 0;
  }

  markPublished(id: string, at: number): void {
    this.published(messageIdKey(id), epochMs(at, "at"));
  }

  markReceived(ref: string, at: number): boolean {
    return this.received(messageIdKey(ref), epochMs(at, "at"));
  }

  stateOf(id: string): DeliveryRecord | null {
    const row = this.selectDelivery.get(messageIdKey(id));
    return row === undefined ? null : toDelivery(row);
  }

  /** The last seq handed out (0 before the first message); it never goes down. */
  lastSeq(): number {
    return this.db.prepare<[], number>("SELECT last_seq FROM outbox_sequence").pluck().get() ?? 0;
  }

  /** Deletes sent and received delivery states queued before `epochMs`; returns how many. */
  pruneDeliveriesOlderThan(epochMsCutoff: number): number {
    this.unacked?.prune.run(epochMsCutoff);
    return this.pruneDeliveries.run(epochMsCutoff).changes;
  }

  /**
   * Messages the broker PUBACKed that dispatch has not acknowledged, oldest first, not retained (a
   * resend must never replace the broker's retained copy with an older one). Empty without the table.
   */
  unacknowledged(limit: number): OutboxMessage[] {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer, got ${limit}`);
    return this.unacked === null ? [] : this.unacked.select.all(limit).map(toMessage);
  }

  /** Retention with the injected clock: states older than `retentionMs` (default 7 days). */
  pruneExpiredDeliveries(retentionMs = deliveryRetentionMs): number {
    return this.pruneDeliveriesOlderThan(this.now() - retentionMs);
  }
}
