/**
 * Found by the chaos suite (test/reliability/chaos): dispatch's board must follow what the car did,
 * not what the car's clock said. A status stamped during a jump of the car's clock used to hide every
 * later status until real time caught up; a backfilled fix newer than the last live one never moved
 * the car on the board.
 */
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import { carEnvelope } from "../../../src/contracts/car-envelope.ts";
import type { CarMessageType } from "../../../src/contracts/messages.ts";
import { DispatchIngest } from "../../../src/services/dispatch-ingest.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { DispatchIngestRepository } from "../../../src/store/dispatch-ingest-repository.ts";
import { dispatchMigrations } from "../../../src/store/dispatch-migrations.ts";
import { DispatchQueryRepository } from "../../../src/store/dispatch-query-repository.ts";

const hour = 3_600_000;
let db: Database.Database;
let ingest: DispatchIngest;
let queries: DispatchQueryRepository;
const start = Date.parse("2026-11-23T21:00:00Z");

function send(type: CarMessageType, body: unknown, carClock: number, seq?: number): void {
  const envelope = carEnvelope({
    type,
    body,
    src: "BDX-07",
    now: carClock,
    ...(seq === undefined ? {} : { seq }),
  });
  const suffix = type === "status" || type === "equipment" || type === "track" ? type : "events";
  ingest.receive(`sosm/v1/bordeaux/BDX-07/${suffix}`, new TextEncoder().encode(JSON.stringify(envelope)));
  ingest.flush();
}

const status = (key: string, code: number, since: number) => ({
  code,
  key,
  since: new Date(since).toISOString(),
});

beforeEach(() => {
  db = openDatabase({
    path: ":memory:",
    synchronous: "FULL",
    logger: createLogger({ name: "test", level: "silent" }),
    migrations: dispatchMigrations,
  }).db;
  queries = new DispatchQueryRepository(db);
  ingest = new DispatchIngest({
    store: new DispatchIngestRepository(db),
    clock: { now: () => start, monotonic: () => 0 },
    logger: createLogger({ name: "test", level: "silent" }),
    fleet: "bordeaux",
    sendAcks: () => {},
  });
});

afterEach(() => db.close());

describe("dispatch's board and the car's clock", () => {
  it("shows the car's latest status by seq, whatever the car's clock said", () => {
    send("status", status("en_route", 3, start), start, 1);
    // The car's clock jumps an hour ahead, then is corrected.
    send("status", status("on_scene", 4, start + hour), start + hour + 1000, 2);
    send("status", status("with_patient", 7, start + 2000), start + 2000, 3);
    expect(queries.car("BDX-07")?.status?.key).toBe("with_patient");
    // Then an hour behind: still the car's order.
    send("status", status("visit_done", 8, start - hour), start - hour, 4);
    expect(queries.car("BDX-07")?.status?.key).toBe("visit_done");
    // A late, older status (another dispatch connection delivered it late) changes nothing.
    send("status", status("en_route", 3, start + 5000), start + 5000, 3);
    expect(queries.car("BDX-07")?.status?.key).toBe("visit_done");
  });

  it("moves the car on the board to a backfilled fix newer than the last live one", () => {
    const fix = (second: number) => ({
      fixTime: new Date(start + second * 1000).toISOString(),
      lat: 44.84 + second * 1e-5,
      lon: -0.57,
      fix: "3d",
    });
    send("position", fix(10), start + 10_000);
    send("track", { points: [fix(5), fix(11), fix(12)] }, start + 12_000, 1);
    expect(queries.car("BDX-07")?.position?.fixTime).toBe(fix(12).fixTime);
    // An older batch never moves it back.
    send("track", { points: [fix(1), fix(2)] }, start + 13_000, 2);
    expect(queries.car("BDX-07")?.position?.fixTime).toBe(fix(12).fixTime);
  });
});
