/**
 * The translation step against a real SQLite file with dispatch's migrations and its real ingest
 * repository: what dispatch commits becomes RS-SR / GEO-POS rows in the outbox, in one transaction,
 * at the configured pace (fake clock), and every row validates against the official schemas.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseHubSanteConfig } from "../../../../apps/dispatch/hub-sante/hub-sante-config.ts";
import { HubSanteTranslator } from "../../../../apps/dispatch/hub-sante/hub-sante-translator.ts";
import { createLogger } from "../../../../src/app/logger.ts";
import { carEnvelope } from "../../../../src/contracts/car-envelope.ts";
import { statusCode } from "../../../../src/domain/missions/status-rules.ts";
import type { StatusKey } from "../../../../src/domain/radio-status.ts";
import { openDatabase } from "../../../../src/store/database.ts";
import { DispatchIngestRepository } from "../../../../src/store/dispatch-ingest-repository.ts";
import { dispatchMigrations } from "../../../../src/store/dispatch-migrations.ts";
import { HubOutboxRepository } from "../../../../src/store/hub-outbox-repository.ts";
import { validateHubMessage } from "./official-schemas.ts";

const logger = createLogger({ name: "test", level: "silent" });
const config = parseHubSanteConfig({
  amqpUrl: "amqp://127.0.0.1:1",
  orgId: "sos33",
  senderId: "fr.health.sos33",
  recipientId: "fr.health.samu330",
  geoPosIntervalSeconds: 10,
});

let dir: string;
let db: Database.Database;
let ingest: DispatchIngestRepository;
let repo: HubOutboxRepository;
let uuids: number;
let now: number;

/**
 * No reorder window and no wait for seq gaps by default: each test commits and translates at the
 * same fake instant.
 */
function translator(newUuid?: () => string, reorderWindowMs = 0, gapWaitMs = 0): HubSanteTranslator {
  return new HubSanteTranslator({
    repo,
    config,
    logger,
    reorderWindowMs,
    gapWaitMs,
    newUuid: newUuid ?? (() => `00000000-0000-4000-8000-${String(++uuids).padStart(12, "0")}`),
  });
}

function commit(vehicle: string, type: "status" | "position", body: unknown): void {
  const message = carEnvelope({ type, body, src: vehicle, now, ...(type === "status" ? { seq: now } : {}) });
  ingest.commit([{ fleet: "bordeaux", vehicle, message, receivedAt: now }]);
}

function status(vehicle: string, key: StatusKey, missionId?: string): void {
  now += 60_000;
  commit(vehicle, "status", {
    code: statusCode(key),
    key,
    since: new Date(now).toISOString(),
    ...(missionId ? { missionId } : {}),
  });
}

/** A status as the car made it at `since` with its `seq`, reaching dispatch now. */
function statusMadeAt(key: StatusKey, seq: number, since: number, missionId?: string): void {
  const body = {
    code: statusCode(key),
    key,
    since: new Date(since).toISOString(),
    ...(missionId ? { missionId } : {}),
  };
  const message = carEnvelope({ type: "status", body, src: "BDX-07", now: since, seq });
  ingest.commit([{ fleet: "bordeaux", vehicle: "BDX-07", message, receivedAt: now }]);
}

const statuses = () => outbox().map((r) => inner(r.envelope).resourcesStatus?.state?.status);

function outbox(): Array<{ kind: string; distributionId: string; envelope: Record<string, unknown> }> {
  return repo.pendingAfter(0, 10_000).map((row) => {
    const envelope = JSON.parse(row.payload) as Record<string, unknown>;
    validateHubMessage(envelope);
    expect(envelope.distributionID).toBe(row.distributionId);
    return { kind: row.kind, distributionId: row.distributionId, envelope };
  });
}

function inner(
  envelope: Record<string, unknown>,
): Record<string, { state?: { status: string }; position?: unknown[]; caseId?: string }> {
  return (envelope.content as Array<{ jsonContent: { embeddedJsonContent: { message: never } } }>)[0]
    ?.jsonContent.embeddedJsonContent.message as never;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-hub-unit-"));
  db = openDatabase({
    path: join(dir, "dispatch.sqlite"),
    synchronous: "NORMAL",
    logger,
    migrations: dispatchMigrations,
  }).db;
  ingest = new DispatchIngestRepository(db);
  repo = new HubOutboxRepository(db);
  repo.setEnabled(true);
  uuids = 0;
  now = Date.parse("2026-11-23T21:00:00Z");
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("Hub Santé translation", () => {
  it("turns a mission's committed statuses into RS-SR rows in order, and consumes the feed", () => {
    for (const key of ["en_route", "on_scene", "with_patient", "visit_done"] as const)
      status("BDX-07", key, "M-1");
    status("BDX-07", "available");
    const result = translator().run(now);
    expect(result).toMatchObject({ rsSr: 5, geoPos: 0, statuses: { sent: 5 }, more: false });
    const rows = outbox();
    expect(rows.map((r) => inner(r.envelope).resourcesStatus?.state?.status)).toEqual([
      "DEPART",
      "ARRIVEE",
      "PEC",
      "FINPEC",
      "RETOUR",
    ]);
    expect(rows.map((r) => inner(r.envelope).resourcesStatus?.caseId)).toEqual(
      Array(5).fill("fr.health.sos33.M-1"),
    );
    expect(new Set(rows.map((r) => r.distributionId)).size).toBe(5);
    expect(repo.feed(10)).toEqual([]);
    // Nothing new: a second pass writes nothing.
    expect(translator().run(now).rsSr).toBe(0);
  });

  it("plays a car's statuses in the car's order when dispatch committed them out of order", () => {
    const t = now;
    // A burst after a tunnel, spread over dispatch's connections: committed 3, 1, 4, 2, 5.
    for (const [seq, key] of [
      [3, "with_patient"],
      [1, "en_route"],
      [4, "visit_done"],
      [2, "on_scene"],
      [5, "available"],
    ] as const)
      statusMadeAt(key, seq, t - 60_000 + seq * 1000, key === "available" ? undefined : "M-1");
    // Within the window nothing is played yet, and the pass says when to come back.
    const early = translator(undefined, 1000).run(now + 999);
    expect(early).toMatchObject({ rsSr: 0, nextDueAt: now + 1000 });
    expect(translator(undefined, 1000).run(now + 1000).rsSr).toBe(5);
    expect(statuses()).toEqual(["DEPART", "ARRIVEE", "PEC", "FINPEC", "RETOUR"]);
  });

  it("holds a car's statuses past the window while an earlier message of that car is missing", () => {
    const t = now;
    // Committed 1, 3, 4 (2 is still on its way, on a loaded machine, longer than the 1 s window);
    // another car's status is not held back by it.
    statusMadeAt("en_route", 1, t - 50_000, "M-1");
    statusMadeAt("with_patient", 3, t - 30_000, "M-1");
    statusMadeAt("visit_done", 4, t - 20_000, "M-1");
    commit("BDX-08", "status", {
      code: statusCode("en_route"),
      key: "en_route",
      since: new Date(t).toISOString(),
      missionId: "M-2",
    });
    const held = translator(undefined, 1000, 15_000).run(now + 2000);
    expect(held).toMatchObject({ rsSr: 2, nextDueAt: now + 15_000 });
    expect(statuses()).toEqual(["DEPART", "DEPART"]);
    // Seq 2 arrives: the rest goes at the next pass, in the car's order.
    now += 3000;
    statusMadeAt("on_scene", 2, t - 40_000, "M-1");
    expect(translator(undefined, 1000, 15_000).run(now + 1000).rsSr).toBe(3);
    expect(statuses()).toEqual(["DEPART", "DEPART", "ARRIVEE", "PEC", "FINPEC"]);
  });

  it("stops waiting for a missing message after the gap wait, and plays what it has", () => {
    const t = now;
    statusMadeAt("en_route", 1, t - 50_000, "M-1");
    statusMadeAt("with_patient", 3, t - 30_000, "M-1");
    expect(translator(undefined, 1000, 15_000).run(now + 14_999).rsSr).toBe(1);
    expect(translator(undefined, 1000, 15_000).run(now + 15_000).rsSr).toBe(1);
    expect(statuses()).toEqual(["DEPART", "PEC"]);
  });

  it("sends a status that came after a newer one on its own, without changing the car's state", () => {
    const t = now;
    statusMadeAt("en_route", 1, t - 50_000, "M-1");
    statusMadeAt("on_scene", 2, t - 40_000, "M-1");
    statusMadeAt("visit_done", 4, t - 20_000, "M-1");
    statusMadeAt("available", 5, t - 10_000);
    translator().run(now);
    // The with_patient of seq 3 reaches dispatch a minute late.
    now += 60_000;
    statusMadeAt("with_patient", 3, t - 30_000, "M-1");
    expect(translator().run(now).statuses).toEqual({ late: 1 });
    expect(statuses()).toEqual(["DEPART", "ARRIVEE", "FINPEC", "RETOUR", "PEC"]);
    const state = JSON.parse(repo.car("BDX-07")?.stateJson ?? "{}");
    expect(state).toMatchObject({ statusKey: "available", caseId: null, lastSeq: 5 });
  });

  it("uses the shared case id a mission came with", () => {
    db.prepare(
      "INSERT INTO missions (mission_id, vehicle, state, body, created_at, updated_at, created_by) VALUES (?, ?, 'accepted', ?, '', '', 'test')",
    ).run("M-2", "BDX-07", JSON.stringify({ caseId: "fr.health.samu330.DRFR153302400001" }));
    status("BDX-07", "en_route", "M-2");
    translator().run(now);
    expect(inner(outbox()[0]?.envelope ?? {}).resourcesStatus?.caseId).toBe(
      "fr.health.samu330.DRFR153302400001",
    );
  });

  it("collects nothing while the gateway is off", () => {
    repo.setEnabled(false);
    status("BDX-07", "en_route", "M-1");
    expect(repo.feed(10)).toEqual([]);
    repo.setEnabled(true);
    status("BDX-07", "on_scene", "M-1");
    expect(repo.feed(10)).toHaveLength(1);
  });

  it("leaves the feed untouched when a pass fails half-way (one transaction)", () => {
    status("BDX-07", "en_route", "M-1");
    status("BDX-07", "on_scene", "M-1");
    let calls = 0;
    const failing = translator(() => {
      if (++calls === 2) throw new Error("disk full");
      return "00000000-0000-4000-8000-00000000000a";
    });
    expect(() => failing.run(now)).toThrow("disk full");
    expect(repo.feed(10)).toHaveLength(2);
    expect(repo.pendingCount()).toBe(0);
    expect(repo.car("BDX-07")).toBeNull();
    expect(translator().run(now).rsSr).toBe(2);
  });

  it("sends one GEO-POS per car per interval, with the newest fix, the cars of a pass in one message", () => {
    status("BDX-07", "en_route", "M-1");
    const start = now;
    for (let second = 1; second <= 60; second++) {
      now = start + second * 1000;
      for (const [i, car] of ["BDX-07", "BDX-08", "BDX-09"].entries())
        commit(car, "position", {
          fixTime: new Date(now - 200).toISOString(),
          lat: 44.8 + i / 100,
          lon: -0.57 + second / 1e4,
          speed: 10,
          fix: "3d",
        });
      translator().run(now);
    }
    const geo = outbox().filter((r) => r.kind === "GEO-POS");
    expect(geo).toHaveLength(6);
    const positions = geo.map(
      (r) => inner(r.envelope).geoPositionsUpdate?.position as Array<Record<string, unknown>>,
    );
    for (const batch of positions) expect(batch).toHaveLength(3);
    // 1 s, 11 s, 21 s...: each carries the fix of the second it went out.
    expect(positions.map((batch) => (batch[0]?.coord as { lon: number } | undefined)?.lon)).toEqual(
      [1, 11, 21, 31, 41, 51].map((s) => -0.57 + s / 1e4),
    );
    expect(positions[0]?.find((p) => p.resourceId === "fr.health.sos33.resource.BDX-07")).toMatchObject({
      status: "INDISPONIBLE",
      engagedStatus: "PARTIE",
      speed: 36,
      move: "MOBILE",
    });
    // A car never seen by the feed gets its status from dispatch's board (none here): INCONNU.
    expect(positions[0]?.find((p) => p.resourceId === "fr.health.sos33.resource.BDX-08")?.status).toBe(
      "INCONNU",
    );
  });

  it("does not send a position again when the car stopped reporting", () => {
    commit("BDX-07", "position", { fixTime: new Date(now).toISOString(), lat: 44.8, lon: -0.57, fix: "3d" });
    translator().run(now);
    now += 60_000;
    translator().run(now);
    expect(outbox().filter((r) => r.kind === "GEO-POS")).toHaveLength(1);
  });

  it("stamps each row with its creation and expiry", () => {
    status("BDX-07", "en_route", "M-1");
    translator().run(now);
    const [row] = repo.pendingAfter(0, 10);
    expect(row).toMatchObject({
      createdAt: now,
      expiresAt: now + 86_400_000,
      kind: "RS-SR",
      vehicle: "BDX-07",
    });
    expect(JSON.parse(row?.payload ?? "{}")).toMatchObject({
      dateTimeSent: "2026-11-23T22:01:00+01:00",
      dateTimeExpires: "2026-11-24T22:01:00+01:00",
    });
  });
});
