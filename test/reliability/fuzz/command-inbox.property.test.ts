/**
 * Model-based property of the car's command inbox (src/services/command-inbox.ts) on the real SQLite
 * outbox and dedupe table: dispatch's commands arrive in any order, on any topic, redelivered any
 * number of times (QoS 1), mixed with garbage. test/unit/services/command-inbox.test.ts checks each
 * rule by example; this states them together over random histories:
 * - an id's first delivery decides its fate (applied or rejected), every later one is `duplicate`;
 * - a handler runs once per applied id, and a refusing handler leaves nothing in the outbox;
 * - every refusal is answered by exactly one `rejected` event, with the id when there is one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { newMessageId } from "../../../src/contracts/message-id.ts";
import { CommandInbox, CommandRejection, type InboxOutcome } from "../../../src/services/command-inbox.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { inboxMigrations } from "../../../src/store/inbox-migrations.ts";
import { SqliteInbox } from "../../../src/store/inbox-repository.ts";
import { outboxMigrations } from "../../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";
import { propertyRuns, propertyTimeoutMs } from "./property-runs.ts";

const t0 = Date.parse("2026-11-23T21:04:05.123Z");
const topics = {
  own: "sosm/v1/bordeaux/BDX-07/cmd",
  fleet: "sosm/v1/bordeaux/_all/cmd",
  other: "sosm/v1/bordeaux/BDX-08/cmd",
  foreign: "sosm/v1/lyon/BDX-07/cmd",
} as const;
type TopicName = keyof typeof topics;

/** What a command slot holds, and what the inbox must make of it on a right topic. */
const kinds = {
  applied: { type: "status.request", body: {} },
  refusedByHandler: {
    type: "mission.assign",
    body: { missionId: "M-1", priority: "P1", reason: "r", address: { text: "a" } },
  },
  invalid: { type: "message", body: { text: "" } },
  unknownType: { type: "teleport", body: {} },
  unsupported: { type: "mission.cancel", body: { missionId: "M-1", reason: "r" } },
  otherVehicle: { type: "status.request", body: { vehicle: "BDX-08" } },
} as const;
type Kind = keyof typeof kinds | "garbage";

interface Delivery {
  slot: number;
  topic: TopicName;
}

function run(slots: Kind[], deliveries: Delivery[]): void {
  const dir = mkdtempSync(join(tmpdir(), "sosm-inbox-prop-"));
  const logger = pino({ level: "silent" });
  const { db } = openDatabase({
    path: join(dir, "core.db"),
    synchronous: "NORMAL",
    logger,
    migrations: [...trackMigrations, ...outboxMigrations, ...inboxMigrations],
  });
  try {
    const outbox = new SqliteOutbox({ db, vehicle: "BDX-07" });
    let handled = 0;
    const inbox = new CommandInbox({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      outbox,
      deliveries: outbox,
      unitOfWork: outbox,
      dedupe: new SqliteInbox(db),
      logger,
      clock: { now: () => t0, monotonic: () => 0 },
      handlers: {
        "status.request": (_command, ctx) => {
          handled++;
          outbox.enqueue("message", { text: "status" }, ctx.receivedAt);
        },
        "mission.assign": (_command, ctx) => {
          outbox.enqueue("message", { text: "must roll back" }, ctx.receivedAt);
          throw new CommandRejection("unknown mission");
        },
      },
    });
    const ids = slots.map((_, i) => newMessageId(t0 + i));
    const payloads = slots.map((kind, i) => {
      if (kind === "garbage") return Buffer.from([0x7b, 0xff, i]);
      const { type, body } = kinds[kind];
      return Buffer.from(
        JSON.stringify({ v: 1, id: ids[i], type, ts: "2026-11-23T21:04:05.000Z", src: "dispatch", body }),
      );
    });

    const decided = new Set<number>();
    let expectedApplied = 0;
    let rejectedOutcomes = 0;
    for (const { slot, topic } of deliveries) {
      const kind = slots[slot] as Kind;
      const outcome = inbox.handle(topics[topic], payloads[slot] as Buffer);
      let expected: InboxOutcome;
      if (kind !== "garbage" && decided.has(slot)) expected = "duplicate";
      else {
        const rightTopic = topic === "own" || topic === "fleet";
        expected = rightTopic && kind === "applied" ? "applied" : "rejected";
        decided.add(slot);
      }
      expect(outcome, `${kind} on ${topic}`).toBe(expected);
      if (outcome === "applied") expectedApplied++;
      if (outcome === "rejected") rejectedOutcomes++;
    }
    expect(handled).toBe(expectedApplied);
    const messages = outbox.pending(10_000).map((m) => ({ type: m.type, body: JSON.parse(m.payload).body }));
    const rejected = messages.filter((m) => m.type === "rejected");
    expect(rejected).toHaveLength(rejectedOutcomes);
    const refs = rejected.map((m) => m.body.ref).filter((ref) => ref !== undefined);
    expect(new Set(refs).size).toBe(refs.length);
    expect(messages.filter((m) => m.type === "message").map((m) => m.body.text)).toEqual(
      Array(expectedApplied).fill("status"),
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the command inbox over random delivery histories", () => {
  it(
    "applies each id at most once, answers each refusal once, and keeps nothing of a refused command",
    () => {
      const kind = fc.constantFrom<Kind>(
        "applied",
        "refusedByHandler",
        "invalid",
        "unknownType",
        "unsupported",
        "otherVehicle",
        "garbage",
      );
      const topic = fc.constantFrom<TopicName>("own", "own", "fleet", "other", "foreign");
      fc.assert(
        fc.property(
          fc.array(kind, { minLength: 1, maxLength: 6 }).chain((slots) =>
            fc.tuple(
              fc.constant(slots),
              fc.array(fc.record({ slot: fc.nat(slots.length - 1), topic }), {
                minLength: 1,
                maxLength: 25,
              }),
            ),
          ),
          ([slots, deliveries]) => run(slots, deliveries),
        ),
        { numRuns: propertyRuns(150, 20) },
      );
    },
    propertyTimeoutMs,
  );
});
