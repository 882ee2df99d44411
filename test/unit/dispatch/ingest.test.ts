/**
 * The ingest loop against a real SQLite file: de-duplication, acks only after the commit, alarms that
 * wait for an operator, seq gaps, hostile messages, missions that never go back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import { carEnvelope } from "../../../src/contracts/car-envelope.ts";
import type { CarMessageType } from "../../../src/contracts/messages.ts";
import type { AckToSend } from "../../../src/services/dispatch-inbound.ts";
import { DispatchIngest } from "../../../src/services/dispatch-ingest.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { DispatchCommandRepository } from "../../../src/store/dispatch-command-repository.ts";
import { DispatchIngestRepository } from "../../../src/store/dispatch-ingest-repository.ts";
import { dispatchMigrations } from "../../../src/store/dispatch-migrations.ts";
import { DispatchQueryRepository } from "../../../src/store/dispatch-query-repository.ts";

const logger = createLogger({ name: "test", level: "silent" });
let dir: string;
let db: Database.Database;
let ingest: DispatchIngest;
let queries: DispatchQueryRepository;
let commands: DispatchCommandRepository;
let acks: AckToSend[];
let ackedWhileStored: boolean[];
let clock = Date.parse("2026-11-23T21:00:00Z");

function message(type: CarMessageType, body: unknown, seq?: number, src = "BDX-07") {
  clock += 1000;
  return carEnvelope({ type, body, src, now: clock, ...(seq === undefined ? {} : { seq }) });
}

function receive(suffix: string, envelope: unknown, vehicle = "BDX-07"): void {
  ingest.receive(`sosm/v1/bordeaux/${vehicle}/${suffix}`, new TextEncoder().encode(JSON.stringify(envelope)));
  ingest.flush();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-dispatch-unit-"));
  const path = join(dir, "dispatch.sqlite");
  db = openDatabase({ path, synchronous: "FULL", logger, migrations: dispatchMigrations }).db;
  const reader = new Database(path, { readonly: true });
  acks = [];
  ackedWhileStored = [];
  queries = new DispatchQueryRepository(db);
  commands = new DispatchCommandRepository(db, "bordeaux");
  ingest = new DispatchIngest({
    store: new DispatchIngestRepository(db),
    clock: { now: () => clock, monotonic: () => clock },
    logger,
    fleet: "bordeaux",
    sendAcks: (batch) => {
      // Another connection sees only committed rows: the ack must come after the commit.
      for (const ack of batch)
        ackedWhileStored.push(
          reader.prepare("SELECT 1 FROM received WHERE id = ?").get(ack.ref.toLowerCase()) !== undefined,
        );
      acks.push(...batch);
    },
  });
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("dispatch ingest", () => {
  it("stores an event once, acks every copy the car sends, and only once committed", () => {
    const event = message("message", { text: "Patient vu, je repars" }, 1);
    receive("events", event);
    receive("events", event);
    expect(db.prepare("SELECT count(*) AS n FROM received").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT count(*) AS n FROM messages").get()).toEqual({ n: 1 });
    expect(acks.map((a) => a.ref)).toEqual([event.id, event.id]);
    expect(ackedWhileStored).toEqual([true, true]);
    expect(ingest.stats()).toMatchObject({ stored: 1, duplicates: 1, acksSent: 2 });
  });

  it("acks statuses too (they come from the car's outbox), but never live positions", () => {
    const status = message("status", { code: 1, key: "available", since: "2026-11-23T21:00:00Z" }, 1);
    receive("status", status);
    receive(
      "position",
      message("position", { fixTime: "2026-11-23T21:00:01Z", lat: 44.84, lon: -0.57, fix: "3d" }),
    );
    expect(acks.map((a) => a.ref)).toEqual([status.id]);
    expect(queries.car("BDX-07")?.position).toMatchObject({ lat: 44.84, fix: "3d" });
  });

  it("refuses hostile messages, counts them, and goes on with the next one", () => {
    ingest.receive("sosm/v1/bordeaux/BDX-07/events", new TextEncoder().encode('{"v":1,"type":"alarm"'));
    ingest.receive(
      "sosm/v1/bordeaux/BDX-08/events",
      new TextEncoder().encode(JSON.stringify(message("message", { text: "x" }, 1))),
    );
    ingest.receive("sosm/v1/bordeaux/BDX-07/events", new Uint8Array(100_000));
    receive("events", message("message", { text: "toujours là" }, 1));
    expect(ingest.stats()).toMatchObject({ rejected: 3, stored: 1 });
    expect(queries.counters()).toMatchObject({ rejected: 3 });
  });

  it("holds the ack of a raised alarm until an operator acknowledges it, then acks every copy", () => {
    const raised = message(
      "alarm",
      { alarmId: "A-1", kind: "panic", state: "raised", lat: 44.8, lon: -0.6 },
      1,
    );
    const repeat = message(
      "alarm",
      { alarmId: "A-1", kind: "panic", state: "raised", lat: 44.81, lon: -0.6 },
      2,
    );
    receive("events", raised);
    receive("events", repeat);
    expect(acks).toEqual([]);
    expect(queries.alarms(true)).toMatchObject([{ alarmId: "A-1", state: "raised", repeats: 2, lat: 44.81 }]);
    const refs = commands.acknowledgeAlarm("BDX-07", "A-1", "claire", clock);
    expect(refs?.sort()).toEqual([raised.id, repeat.id].sort());
    // Still open, quiet: the doctor may still be in danger until she cancels it.
    expect(queries.alarms(true)).toMatchObject([{ alarmId: "A-1", state: "acknowledged" }]);
    expect(queries.alarm("BDX-07", "A-1")).toMatchObject({ state: "acknowledged", acknowledgedBy: "claire" });
    // A repeat already on its way when the operator acknowledged is acked at once.
    const late = message("alarm", { alarmId: "A-1", kind: "panic", state: "raised" }, 3);
    receive("events", late);
    expect(acks.map((a) => a.ref)).toEqual([late.id]);
  });

  it("records seq gaps per car, shows them on the board, and closes them as late messages arrive", () => {
    const text = (seq: number) => message("message", { text: `n°${seq}` }, seq);
    for (const seq of [1, 2, 5]) receive("events", text(seq));
    expect(queries.car("BDX-07")).toMatchObject({ seqGaps: 2, lastSeq: 5 });
    receive("events", text(3));
    expect(queries.car("BDX-07")).toMatchObject({ seqGaps: 1, lastSeq: 5 });
    receive("events", message("message", { text: "autre voiture" }, 1, "BDX-08"), "BDX-08");
    expect(queries.car("BDX-08")).toMatchObject({ seqGaps: 0, lastSeq: 1 });
  });

  it("keeps the newest status when an older retained copy arrives late", () => {
    const older = message("status", { code: 1, key: "available", since: "2026-11-23T21:00:00Z" }, 1);
    const newer = message("status", { code: 3, key: "en_route", since: "2026-11-23T21:05:00Z" }, 2);
    receive("status", newer);
    receive("status", older);
    expect(queries.car("BDX-07")?.status).toMatchObject({ key: "en_route" });
  });

  it("moves a mission forward with the car's acks and statuses, never back", () => {
    commands.createMission(
      "M-1",
      { priority: "P1", reason: "Fièvre", address: { text: "1 rue X" } },
      "claire",
      clock,
    );
    const assigned = commands.assignMission("M-1", "BDX-07", clock);
    expect(assigned.ok).toBe(true);
    expect(commands.pending(10)).toMatchObject([
      { type: "mission.assign", topic: "sosm/v1/bordeaux/BDX-07/cmd" },
    ]);
    receive("events", message("mission.ack", { missionId: "M-1", state: "accepted" }, 1));
    receive(
      "status",
      message("status", { code: 3, key: "en_route", since: "2026-11-23T21:06:00Z", missionId: "M-1" }, 2),
    );
    receive("events", message("mission.ack", { missionId: "M-1", state: "received" }, 3));
    expect(queries.mission("M-1")?.state).toBe("en_route");
    expect(queries.car("BDX-07")?.mission?.missionId).toBe("M-1");
    expect(commands.assignMission("M-1", "BDX-08", clock)).toEqual({ ok: false, reason: "conflict" });
  });
});
