/**
 * Dispatch's ingest loop: classify each inbound message, queue it, and commit the queue in batches
 * (dispatch-ingest-repository.ts). Only after a commit does it (1) release the MQTT acknowledgement of
 * the QoS 1 messages in the batch (their PUBACK: the broker then forgets them; before that, a crash
 * makes the broker redeliver them, and the id de-duplicates) and (2) send the protocol `ack {ref}` of
 * each stored event. So a restart of dispatch loses nothing and acks nothing unstored.
 *
 * Batching: a batch holding a QoS 1 message is committed on the next turn of the event loop (its
 * connection waits for the PUBACK before it hands over the next message, so waiting longer would only
 * slow it down); a batch of positions alone waits up to `positionDelayMs` to gather more (2,000 cars
 * at 1 Hz are 2,000 inserts a second, which must share an fsync).
 */
import type { AckToSend, BatchResult, Inbound } from "./dispatch-inbound.ts";
import { classifyInbound } from "./dispatch-inbound.ts";
import type { Clock, Logger } from "./ports.ts";

export interface IngestStore {
  commit(batch: readonly Inbound[]): BatchResult;
  countRejected(count: number): void;
}

export interface DispatchIngestOptions {
  store: IngestStore;
  /** Publishes `ack {ref}` commands (QoS 1). Called after the commit. */
  sendAcks(acks: readonly AckToSend[]): void;
  onCommitted?(result: BatchResult): void;
  clock: Clock;
  logger: Logger;
  /** Only this fleet's topics are accepted. */
  fleet?: string;
  maxBatch?: number;
  positionDelayMs?: number;
}

export interface IngestStats {
  received: number;
  rejected: number;
  stored: number;
  duplicates: number;
  acksSent: number;
  batches: number;
  commitErrors: number;
  /** Position ingest latency: envelope `ts` to the commit that stored it, ms. */
  positionLatency: { count: number; p50: number; p99: number; max: number };
}

/** Called with true once the message is committed (release its PUBACK), false if the commit failed. */
export type Settle = (committed: boolean) => void;

const latencyWindow = 200_000;

export class DispatchIngest {
  private queue: Inbound[] = [];
  private settles: Settle[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private immediate: ReturnType<typeof setImmediate> | null = null;
  private readonly latencies = new Float64Array(latencyWindow);
  /** When each latency sample was taken (epoch ms), for a measurement window (`stats(sinceMs)`). */
  private readonly latencyTimes = new Float64Array(latencyWindow);
  private latencyCount = 0;
  private counts = {
    received: 0,
    rejected: 0,
    stored: 0,
    duplicates: 0,
    acksSent: 0,
    batches: 0,
    commitErrors: 0,
  };
  private rejectionsLogged = 0;
  private pendingRejected = 0;
  private readonly maxBatch: number;
  private readonly positionDelayMs: number;

  constructor(private readonly options: DispatchIngestOptions) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.positionDelayMs = options.positionDelayMs ?? 50;
  }

  /** One message off the broker. `settle`, for QoS 1, releases its PUBACK after the commit. */
  receive(topic: string, payload: Uint8Array, settle?: Settle): void {
    this.counts.received++;
    const classified = classifyInbound(topic, payload, this.options.clock.now(), this.options.fleet);
    if (!classified.ok) {
      this.counts.rejected++;
      // Counted in the store with the next batch: a flood of junk must not cost an fsync each.
      this.pendingRejected++;
      this.flushSoon();
      // A hostile sender could flood the log: the first 100 are logged, then one in 1,000.
      if (this.rejectionsLogged++ < 100 || this.counts.rejected % 1000 === 0)
        this.options.logger.warn(
          { topic: topic.slice(0, 128), reason: classified.reason, rejected: this.counts.rejected },
          "dispatch rejected a message",
        );
      // A rejected message is settled too: redelivering it would be rejected again, forever.
      settle?.(true);
      return;
    }
    this.queue.push(classified.inbound);
    if (settle) this.settles.push(settle);
    if (this.queue.length >= this.maxBatch) this.flush();
    else if (settle || classified.inbound.message.type !== "position") this.flushSoon();
    else this.timer ??= setTimeout(() => this.flush(), this.positionDelayMs);
  }

  /** Commits what is queued. Safe to call at any time (stop() calls it). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.pendingRejected > 0) {
      const rejected = this.pendingRejected;
      this.pendingRejected = 0;
      try {
        this.options.store.countRejected(rejected);
      } catch (error) {
        this.options.logger.warn({ err: error }, "could not count rejected messages");
      }
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    const settles = this.settles;
    this.queue = [];
    this.settles = [];
    let result: BatchResult;
    try {
      result = this.options.store.commit(batch);
    } catch (error) {
      // Not acked and not PUBACKed: the broker redelivers the QoS 1 messages after a reconnect, and
      // a car resends what had no ack. Positions of this batch are lost; newer ones follow.
      this.counts.commitErrors++;
      this.options.logger.error({ err: error, size: batch.length }, "dispatch could not store a batch");
      for (const settle of settles) settle(false);
      return;
    }
    const now = this.options.clock.now();
    for (const item of batch) {
      if (item.message.type !== "position") continue;
      const slot = this.latencyCount++ % latencyWindow;
      this.latencies[slot] = now - Date.parse(item.message.ts);
      this.latencyTimes[slot] = now;
    }
    this.counts.batches++;
    this.counts.stored += result.stored;
    this.counts.duplicates += result.duplicates;
    for (const settle of settles) settle(true);
    if (result.acks.length > 0) {
      this.options.sendAcks(result.acks);
      this.counts.acksSent += result.acks.length;
    }
    for (const gap of result.gapsOpened)
      this.options.logger.warn(gap, "seq gap: messages from this car are missing so far");
    this.options.onCommitted?.(result);
  }

  /** Counters since start; position latency over the last 200,000 positions, or those since `sinceMs`. */
  stats(sinceMs = 0): IngestStats {
    const kept = Math.min(this.latencyCount, latencyWindow);
    const sorted: number[] = [];
    for (let i = 0; i < kept; i++)
      if ((this.latencyTimes[i] ?? 0) >= sinceMs) sorted.push(this.latencies[i] ?? 0);
    sorted.sort((a, b) => a - b);
    const n = sorted.length;
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))] ?? 0;
    return {
      ...this.counts,
      positionLatency: { count: n, p50: at(0.5), p99: at(0.99), max: sorted[n - 1] ?? 0 },
    };
  }

  private flushSoon(): void {
    this.immediate ??= setImmediate(() => this.flush());
  }
}
