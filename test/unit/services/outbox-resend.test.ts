/**
 * Resend until dispatch's ack (src/services/outbox-resend.ts): found by the chaos suite, where a
 * broker restarted without dispatch's shared subscriptions dropped events it had PUBACKed.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { coreMigrations } from "../../../src/app/core-migrations.ts";
import type { OutboxMessage } from "../../../src/services/outbox.ts";
import { UnackedResender } from "../../../src/services/outbox-resend.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";

function message(seq: number): OutboxMessage {
  return {
    id: `0193b7e6-0000-7000-8000-${String(seq).padStart(12, "0")}`,
    seq,
    type: "status",
    suffix: "status",
    qos: 1,
    retain: true,
    payload: `{"seq":${seq}}`,
    createdAt: 0,
  };
}

function rig(options: { maxKept?: number } = {}) {
  let mono = 0;
  let connected = true;
  const states = new Map<string, "sent" | "received">();
  const published: Array<{ seq: number; retain: boolean }> = [];
  const resender = new UnackedResender(
    { deliveries: { stateOf: (id) => ({ state: states.get(id) ?? "sent", queuedAt: 0 }) }, ...options },
    {
      link: {
        isConnected: () => connected,
        publish: async (_suffix, payload, { retain }) => {
          published.push({ seq: (JSON.parse(payload) as { seq: number }).seq, retain });
        },
      },
      logger: pino({ level: "silent" }),
      clock: { now: () => mono, monotonic: () => mono },
    },
  );
  return {
    resender,
    published,
    states,
    advance: (ms: number) => {
      mono += ms;
      resender.resendDue();
    },
    setConnected: (up: boolean) => {
      connected = up;
    },
  };
}

describe("resend until dispatch's ack", () => {
  it("publishes again, not retained, what dispatch has not acked after 30 s, then 60 s, 120 s", () => {
    const { resender, published, advance } = rig();
    resender.keep(message(1));
    advance(29_000);
    expect(published).toEqual([]);
    advance(1000);
    expect(published).toEqual([{ seq: 1, retain: false }]);
    advance(59_000);
    expect(published).toHaveLength(1);
    advance(1000);
    expect(published).toHaveLength(2);
    advance(120_000);
    expect(published).toHaveLength(3);
  });

  it("forgets what dispatch acknowledged, and sends nothing while offline", () => {
    const { resender, published, states, advance, setConnected } = rig();
    resender.keep(message(1));
    resender.keep(message(2));
    states.set(message(1).id, "received");
    setConnected(false);
    advance(31_000);
    expect(published).toEqual([]);
    setConnected(true);
    advance(0);
    expect(published.map((p) => p.seq)).toEqual([2]);
    expect(resender.size()).toBe(1);
  });

  it("keeps a bounded number of messages and resends at most 16 per poll, oldest first", () => {
    const { resender, published, advance } = rig({ maxKept: 20 });
    for (let seq = 1; seq <= 25; seq++) resender.keep(message(seq));
    expect(resender.size()).toBe(20);
    advance(30_000);
    expect(published.map((p) => p.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 6));
    advance(0);
    expect(published.map((p) => p.seq).slice(16)).toEqual([22, 23, 24, 25]);
  });

  it("resends after a restart too: the copies are in the core's database until dispatch's ack", () => {
    const { db } = openDatabase({
      path: ":memory:",
      synchronous: "FULL",
      logger: pino({ level: "silent" }),
      migrations: coreMigrations,
    });
    const outbox = new SqliteOutbox({ db, vehicle: "BDX-07", now: () => 0 });
    const status = outbox.enqueue(
      "status",
      { code: 3, key: "en_route", since: "2026-11-23T21:00:00.000Z" },
      0,
    );
    outbox.markPublished(status.id, 1);
    expect(outbox.pendingCount()).toBe(0);
    expect(outbox.unacknowledged(10).map((m) => [m.id, m.retain])).toEqual([[status.id, false]]);

    // A new run: nothing in memory, the database has it.
    let mono = 0;
    const sent: string[] = [];
    const resender = new UnackedResender(
      { deliveries: outbox, store: outbox },
      {
        link: { isConnected: () => true, publish: async (_s, payload) => void sent.push(payload) },
        logger: pino({ level: "silent" }),
        clock: { now: () => mono, monotonic: () => mono },
      },
    );
    resender.resendDue();
    mono += 30_000;
    resender.resendDue();
    expect(sent).toEqual([status.payload]);
    outbox.markReceived(status.id, 2);
    expect(outbox.unacknowledged(10)).toEqual([]);
    mono += 60_000;
    resender.resendDue();
    expect(sent).toHaveLength(1);
    expect(resender.size()).toBe(0);
  });
});
