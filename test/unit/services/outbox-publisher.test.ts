/** The outbox publisher against a fake DispatchLink and a real (in-memory) SQLite outbox. */
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CarTopicSuffix } from "../../../src/contracts/ids.ts";
import type {
  DispatchLink,
  DispatchLinkStatus,
  PublishOptions,
} from "../../../src/services/dispatch-link.ts";
import { OutboxPublisher } from "../../../src/services/outbox-publisher.ts";
import type { Clock } from "../../../src/services/ports.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { outboxMigrations } from "../../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";

const logger = pino({ level: "silent" });
const clock: Clock = { now: () => Date.now(), monotonic: () => Date.now() };
const status = { code: 3, key: "en_route", since: "2026-11-23T21:00:00.000Z" };

interface Publish {
  suffix: CarTopicSuffix;
  seq: number;
  options: PublishOptions;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A link whose PUBACKs and failures the test hands out one by one, like mqtt.js on one connection. */
class FakeLink implements DispatchLink {
  connected = false;
  /** Every publish call, in call order; `outstanding` are those not settled yet. */
  readonly calls: Publish[] = [];
  outstanding: Publish[] = [];
  private readonly listeners = new Set<(status: DispatchLinkStatus) => void>();
  start(): void {}
  async stop(): Promise<void> {}
  isConnected(): boolean {
    return this.connected;
  }
  status(): DispatchLinkStatus {
    return this.connected
      ? { state: "connected", since: 0 }
      : { state: "offline", since: 0, retryInMs: 1000 };
  }
  onStatus(listener: (status: DispatchLinkStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  onCommand(): () => void {
    return () => {};
  }
  publish(suffix: CarTopicSuffix, payload: string, options: PublishOptions): Promise<void> {
    if (!this.connected) return Promise.reject(new Error("offline"));
    return new Promise((resolve, reject) => {
      const call = { suffix, seq: JSON.parse(payload).seq as number, options, resolve, reject };
      this.calls.push(call);
      this.outstanding.push(call);
    });
  }
  connect(): void {
    this.connected = true;
    for (const listener of this.listeners) listener(this.status());
  }
  /** The connection drops: by default status first, then every publish waiting for a PUBACK rejects. */
  drop(rejectFirst = false): void {
    this.connected = false;
    if (rejectFirst)
      for (const call of this.outstanding.splice(0)) call.reject(new Error("connection closed"));
    for (const listener of this.listeners) listener(this.status());
    for (const call of this.outstanding.splice(0)) call.reject(new Error("connection closed"));
  }
  /** PUBACKs for the `n` oldest outstanding publishes. */
  puback(n = 1): void {
    for (const call of this.outstanding.splice(0, n)) call.resolve();
  }
  /** The broker refuses the publish of `seq` (an MQTT 5 PUBACK reason code), the rest go on. */
  refuse(seq: number): void {
    const index = this.outstanding.findIndex((call) => call.seq === seq);
    const [call] = this.outstanding.splice(index, 1);
    call?.reject(new Error("not authorized"));
  }
  seqs(from = 0): number[] {
    return this.calls.slice(from).map((call) => call.seq);
  }
}

/** Lets promise callbacks and queued microtasks run (fake timers do not fake microtasks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

let outbox: SqliteOutbox;
let link: FakeLink;
let publisher: OutboxPublisher;

function enqueue(n: number): void {
  for (let i = 0; i < n; i++) outbox.enqueue("status", status, Date.now());
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse("2026-11-23T21:04:05.000Z") });
  const { db } = openDatabase({
    path: ":memory:",
    synchronous: "FULL",
    logger,
    migrations: [...trackMigrations, ...outboxMigrations],
  });
  outbox = new SqliteOutbox({ db, vehicle: "BDX-07" });
  link = new FakeLink();
  publisher = new OutboxPublisher({ outbox, link, logger, clock, maxInFlight: 3, pollIntervalMs: 5000 });
});
afterEach(() => {
  publisher.stop();
  vi.useRealTimers();
});

describe("OutboxPublisher", () => {
  it("sends nothing while offline, then everything in seq order with its route once connected", async () => {
    enqueue(2);
    outbox.enqueue("alarm", { alarmId: "A", kind: "panic", state: "raised" }, Date.now());
    publisher.start();
    await settle();
    expect(link.calls).toEqual([]);
    link.connect();
    expect(link.seqs()).toEqual([1, 2, 3]);
    expect(link.calls.map((c) => [c.suffix, c.options])).toEqual([
      ["status", { qos: 1, retain: true }],
      ["status", { qos: 1, retain: true }],
      ["events", { qos: 1, retain: false }],
    ]);
  });

  it("keeps at most maxInFlight publishes waiting and refills the window as PUBACKs arrive", async () => {
    enqueue(8);
    link.connect();
    publisher.start();
    expect(link.seqs()).toEqual([1, 2, 3]);
    link.puback(1);
    await settle();
    expect(link.seqs()).toEqual([1, 2, 3, 4]);
    expect(link.outstanding).toHaveLength(3);
    link.puback(3);
    await settle();
    expect(link.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    link.puback(3);
    await settle();
    link.puback(1);
    await settle();
    expect(link.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(outbox.pendingCount()).toBe(0);
    expect(publisher.stats()).toMatchObject({
      published: 8,
      resent: 0,
      failures: 0,
      inFlight: 0,
      pending: 0,
    });
  });

  it("deletes a message only on its PUBACK and shows it sent", async () => {
    enqueue(2);
    const [first, second] = outbox.pending(2);
    link.connect();
    publisher.start();
    link.puback(1);
    await settle();
    expect(outbox.stateOf(first?.id ?? "")?.state).toBe("sent");
    expect(outbox.stateOf(second?.id ?? "")?.state).toBe("queued");
    expect(outbox.pending(10).map((m) => m.seq)).toEqual([2]);
  });

  it("resends what had no PUBACK after a reconnect, in the same order, and nothing acknowledged", async () => {
    enqueue(6);
    link.connect();
    publisher.start();
    link.puback(1);
    await settle();
    expect(link.seqs()).toEqual([1, 2, 3, 4]);
    link.drop();
    await settle();
    enqueue(1);
    publisher.kick();
    await settle();
    expect(link.seqs()).toEqual([1, 2, 3, 4]);
    expect(publisher.stats()).toMatchObject({ inFlight: 0, pending: 6, failures: 3 });
    const before = link.calls.length;
    link.connect();
    expect(link.seqs(before)).toEqual([2, 3, 4]);
    for (let i = 0; i < 6; i++) {
      link.puback(1);
      await settle();
    }
    expect(link.seqs(before)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(outbox.pendingCount()).toBe(0);
    expect(publisher.stats()).toMatchObject({ published: 7, resent: 3 });
  });

  it("resends the same way when the publishes reject before the link reports the disconnect", async () => {
    enqueue(4);
    link.connect();
    publisher.start();
    link.drop(true);
    await settle();
    expect(publisher.stats()).toMatchObject({ inFlight: 0, consecutiveErrors: 0, failures: 3 });
    expect(publisher.stats().retryInMs).toBeUndefined();
    link.connect();
    expect(link.seqs()).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it("sends at once on kick, but not a message whose transaction rolled back", async () => {
    link.connect();
    publisher.start();
    expect(() =>
      outbox.transaction(() => {
        enqueue(1);
        publisher.kick();
        throw new Error("rolled back");
      }),
    ).toThrow();
    await settle();
    expect(link.calls).toEqual([]);
    outbox.transaction(() => {
      enqueue(1);
      publisher.kick();
    });
    await settle();
    // The rolled-back message took no seq: the committed one is seq 1.
    expect(link.seqs()).toEqual([1]);
  });

  it("picks up a message nobody kicked at the next poll", async () => {
    link.connect();
    publisher.start();
    enqueue(1);
    await settle();
    expect(link.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(link.seqs()).toEqual([1]);
  });

  it("on a refused publish, lets the others settle, then retries from the oldest with growing backoff", async () => {
    enqueue(4);
    link.connect();
    publisher.start();
    expect(link.seqs()).toEqual([1, 2, 3]);
    link.refuse(1);
    await settle();
    // Nothing new while draining; 2 gets its PUBACK and must not go out again.
    expect(link.seqs()).toEqual([1, 2, 3]);
    link.puback(1);
    link.refuse(3);
    await settle();
    expect(publisher.stats()).toMatchObject({ consecutiveErrors: 1, retryInMs: 1000, failures: 2 });
    publisher.kick();
    await vi.advanceTimersByTimeAsync(999);
    expect(link.seqs()).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(1);
    expect(link.seqs()).toEqual([1, 2, 3, 1, 3, 4]);
    // Refused again: 2 s, then 4 s.
    link.refuse(1);
    link.refuse(3);
    link.refuse(4);
    await settle();
    expect(publisher.stats()).toMatchObject({ consecutiveErrors: 2, retryInMs: 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    link.refuse(1);
    link.puback(2);
    await settle();
    expect(publisher.stats()).toMatchObject({ consecutiveErrors: 3, retryInMs: 4000 });
    await vi.advanceTimersByTimeAsync(4000);
    // 3 and 4 got their PUBACK in the last round: only 1 is left to send.
    expect(link.seqs(9)).toEqual([1]);
    link.puback(1);
    await settle();
    expect(publisher.stats()).toMatchObject({ consecutiveErrors: 0, pending: 0, published: 4 });
    expect(publisher.stats().retryInMs).toBeUndefined();
  });

  it("caps the backoff", async () => {
    publisher = new OutboxPublisher({
      outbox,
      link,
      logger,
      clock,
      initialBackoffMs: 1000,
      maxBackoffMs: 5000,
    });
    enqueue(1);
    link.connect();
    publisher.start();
    for (const expected of [1000, 2000, 4000, 5000, 5000]) {
      link.refuse(1);
      await settle();
      expect(publisher.stats().retryInMs).toBe(expected);
      await vi.advanceTimersByTimeAsync(expected);
    }
  });

  it("never sends a message twice on one connection nor skips one, whatever the PUBACK timing", async () => {
    publisher = new OutboxPublisher({ outbox, link, logger, clock, maxInFlight: 5 });
    link.connect();
    publisher.start();
    let enqueued = 0;
    for (let step = 0; step < 400; step++) {
      const r = (step * 7919) % 13;
      if (r < 5) {
        enqueue(1 + (r % 3));
        enqueued += 1 + (r % 3);
        publisher.kick();
      } else link.puback(r % 4);
      await settle();
      expect(link.outstanding.length).toBeLessThanOrEqual(5);
    }
    while (link.outstanding.length > 0) {
      link.puback(5);
      await settle();
    }
    expect(link.seqs()).toEqual(Array.from({ length: enqueued }, (_, i) => i + 1));
    expect(outbox.pendingCount()).toBe(0);
  });

  it("stops sending after stop(), and still removes a message whose PUBACK arrives late", async () => {
    enqueue(4);
    link.connect();
    publisher.start();
    publisher.stop();
    link.puback(1);
    await settle();
    expect(outbox.pending(10).map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(link.seqs()).toEqual([1, 2, 3]);
  });
});
