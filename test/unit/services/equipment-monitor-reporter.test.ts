/**
 * `equipment` messages from the monitor's verdict into the real SQLite outbox (a file in a temp
 * folder), under fake timers: debounced on change, capped for a flapping reading, every 10 min,
 * held at boot until the controller talks, and at once on demand (dispatch's status.request).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { equipmentMessage } from "../../../src/contracts/messages.ts";
import { EquipmentMonitor } from "../../../src/services/equipment-monitor.ts";
import {
  EquipmentReporter,
  type EquipmentReporterContext,
} from "../../../src/services/equipment-reporter.ts";
import type { Outbox } from "../../../src/services/outbox.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { inboxMigrations } from "../../../src/store/inbox-migrations.ts";
import { outboxMigrations } from "../../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";
import {
  allChecksPassed,
  capturingLogger,
  FakeFeed,
  fakeClock,
  healthyRecords,
  profile,
  t0,
} from "./equipment-monitor-fakes.ts";

const silent = pino({ level: "silent" });

let dir: string;
let db: Database.Database;
let outbox: SqliteOutbox;
let feed: FakeFeed;
let monitor: EquipmentMonitor;
let reporter: EquipmentReporter;
let kicks: number;

function build(overrides: Partial<EquipmentReporterContext> = {}): void {
  feed = new FakeFeed();
  monitor = new EquipmentMonitor({
    feed,
    items: profile.equipment,
    checks: profile.checks,
    checkHistory: { latestByCheck: () => allChecksPassed(t0) },
    clock: fakeClock,
    logger: silent,
  });
  kicks = 0;
  reporter = new EquipmentReporter({
    monitor,
    outbox,
    unitOfWork: outbox,
    clock: fakeClock,
    logger: silent,
    onEnqueued: () => kicks++,
    ...overrides,
  });
  monitor.start();
  reporter.start();
}

/** The equipment messages in the outbox, decoded and validated against the contract. */
function messages() {
  return outbox.pending(100).map((message) => {
    expect(message).toMatchObject({ type: "equipment", suffix: "equipment", qos: 1, retain: true });
    return equipmentMessage.parse(JSON.parse(message.payload));
  });
}
const stateOf = (index: number, id: string) => messages()[index]?.body.items.find((i) => i.id === id)?.state;

function connectHealthy(): void {
  feed.setLink("connected");
  feed.send(...healthyRecords);
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(t0);
  dir = mkdtempSync(join(tmpdir(), "sosm-equipment-"));
  db = openDatabase({
    path: join(dir, "core.sqlite"),
    synchronous: "FULL",
    logger: silent,
    migrations: [...trackMigrations, ...outboxMigrations, ...inboxMigrations],
  }).db;
  outbox = new SqliteOutbox({ db, vehicle: "BDX-07", now: fakeClock.now });
});
afterEach(() => {
  reporter?.stop();
  monitor?.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  vi.useRealTimers();
});

describe("equipment reporter", () => {
  it("queues the first summary 2 s after the controller's answer settles, retained and valid", () => {
    build();
    vi.advanceTimersByTime(500);
    connectHealthy();
    vi.advanceTimersByTime(1999);
    expect(messages()).toHaveLength(0);
    vi.advanceTimersByTime(1);
    const [message] = messages();
    expect(message?.body.ready).toBe(true);
    expect(message?.ts).toBe(new Date(t0 + 2500).toISOString());
    expect(message?.body.items.find((i) => i.id === "o2-b5")).toEqual({
      id: "o2-b5",
      kind: "oxygen",
      state: "ok",
      reasons: [],
      readings: { pressure_bar: 186.5, flow_lpm: 0, autonomy_min: 55 },
      checkedAt: new Date(t0 + 500).toISOString(),
    });
    expect(message?.body.items.find((i) => i.id === "drug-kit")).toMatchObject({ expiresOn: "2027-01-31" });
    expect(kicks).toBe(1);
  });

  it("sends a change 2 s after the last one, with French reasons, and ready false on a fault", () => {
    build();
    connectHealthy();
    vi.advanceTimersByTime(2000);
    feed.send({ record: "BAG", slot: 1, present: false });
    vi.advanceTimersByTime(1000);
    feed.send({ record: "ECG", slot: 1, battery_pct: 15, selftest: "pass", charging: false, docked: true });
    vi.advanceTimersByTime(1999);
    expect(messages()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(messages()).toHaveLength(2);
    const body = messages()[1]?.body;
    expect(body?.ready).toBe(false);
    expect(body?.items.find((i) => i.id === "bavu")).toMatchObject({
      state: "fault",
      reasons: ["BAVU : absent de son support"],
    });
    expect(body?.items.find((i) => i.id === "ecg")?.reasons).toEqual(["ECG : batterie 15 %, pas en charge"]);
  });

  it("does not queue anything when a reading changes back before the debounce ends", () => {
    build();
    connectHealthy();
    vi.advanceTimersByTime(2000);
    feed.send({ record: "BAG", slot: 1, present: false });
    vi.advanceTimersByTime(1000);
    feed.send({ record: "BAG", slot: 1, present: true });
    vi.advanceTimersByTime(5000);
    expect(messages()).toHaveLength(1);
  });

  it("sends a reading that keeps flapping at most once per 30 s, and its final state 2 s after it settles", () => {
    build();
    connectHealthy();
    vi.advanceTimersByTime(2000);
    for (let k = 0; k < 130; k++) {
      feed.send({ record: "BAG", slot: 1, present: k % 2 === 1 });
      vi.advanceTimersByTime(700);
    }
    // 91 s of flapping: the first message, then at most one per 30 s.
    expect(messages().length).toBeLessThanOrEqual(4);
    feed.send({ record: "BAG", slot: 1, present: false });
    vi.advanceTimersByTime(2000);
    expect(stateOf(messages().length - 1, "bavu")).toBe("fault");
  });

  it("sends nothing while nothing changes, then the summary again every 10 min", () => {
    build();
    connectHealthy();
    for (let s = 0; s < 599; s++) {
      vi.advanceTimersByTime(1000);
      feed.send(...healthyRecords);
    }
    vi.advanceTimersByTime(2999);
    expect(messages()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(messages()).toHaveLength(2);
    expect(messages()[1]?.ts).toBe(new Date(t0 + 602_000).toISOString());
    feed.send(...healthyRecords);
    vi.advanceTimersByTime(600_000);
    expect(messages()).toHaveLength(3);
  });

  it("waits up to 15 s at boot for the controller, then sends what it knows", () => {
    build();
    feed.setLink("retrying");
    vi.advanceTimersByTime(14_999);
    expect(messages()).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(messages()).toHaveLength(1);
    expect(stateOf(0, "o2-b5")).toBe("unknown");
    expect(messages()[0]?.body.items.find((i) => i.id === "o2-b5")?.reasons).toEqual([
      "Oxygène : liaison avec le contrôleur d'équipement perdue",
    ]);
    expect(messages()[0]?.body.ready).toBe(true); // unknown never blocks
    connectHealthy();
    vi.advanceTimersByTime(2000);
    expect(stateOf(1, "o2-b5")).toBe("ok");
  });

  it("sends at once on request, inside the caller's transaction", () => {
    build();
    connectHealthy();
    vi.advanceTimersByTime(2000);
    expect(outbox.transaction(() => reporter.publishNow("status.request"))).toBe(true);
    expect(messages()).toHaveLength(2);
    expect(() =>
      outbox.transaction(() => {
        reporter.publishNow("status.request");
        throw new Error("the command failed");
      }),
    ).toThrow("the command failed");
    expect(messages()).toHaveLength(2);
  });

  it("lets the policy decide whether a fault makes the car unavailable", () => {
    build({ policy: "warn" });
    connectHealthy();
    feed.send({ record: "BAG", slot: 1, present: false });
    vi.advanceTimersByTime(2000);
    expect(messages()[0]?.body.ready).toBe(true);
    expect(stateOf(0, "bavu")).toBe("fault");
  });

  it("logs an outbox that refuses the message, and keeps running", () => {
    const { logger, lines } = capturingLogger();
    const refusing: Outbox = {
      ...outbox,
      enqueue: () => {
        throw new Error("disk full");
      },
      pending: () => [],
      pendingCount: () => 0,
      markPublished: () => {},
    };
    build({ outbox: refusing, logger });
    connectHealthy();
    vi.advanceTimersByTime(2000);
    expect(lines.some((l) => l.level === 50 && l.msg === "could not queue the equipment summary")).toBe(true);
    expect(reporter.publishNow()).toBe(false);
    expect(reporter.sentCount()).toBe(0);
  });
});
