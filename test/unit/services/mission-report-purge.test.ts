/**
 * The visit report and the patient-data purge, on a real SQLite file: the report closes the mission
 * when dispatch acknowledges it, and 24 h later the patient's identifiers are gone from the FILE
 * (main database and WAL), not only from query results.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MissionsFeature } from "../../../src/app/missions-feature.ts";
import { CommandInbox } from "../../../src/services/command-inbox.ts";
import type { Clock } from "../../../src/services/ports.ts";
import { checkMigrations } from "../../../src/store/check-migrations.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { inboxMigrations } from "../../../src/store/inbox-migrations.ts";
import { SqliteInbox } from "../../../src/store/inbox-repository.ts";
import { missionMigrations } from "../../../src/store/mission-migrations.ts";
import { outboxMigrations } from "../../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";
import { TrackRepository } from "../../../src/store/track-repository.ts";
import {
  assignBody,
  commandPayload,
  missionTopic,
  patientIdentifiers,
  reportSummary,
} from "../../support/mission-dispatch.ts";

const logger = pino({ level: "silent" });
const hour = 3_600_000;
let now = 0;
const clock: Clock = { now: () => now, monotonic: () => now };

let dir: string;
let dbPath: string;
let db: Database.Database;
let outbox: SqliteOutbox;
let inbox: CommandInbox;
let feature: MissionsFeature;

function dispatch(type: string, body: unknown) {
  return inbox.handle(missionTopic, commandPayload(type, body, now));
}

/** Publishes everything pending, as the publisher does on PUBACK. */
function publishAll(): void {
  for (const message of outbox.pending(1000)) outbox.markPublished(message.id, now);
}

/** The identifiers found anywhere in the database file and its WAL, as raw bytes. */
function identifiersInFile(): string[] {
  const bytes = Buffer.concat(
    [dbPath, `${dbPath}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)),
  );
  return patientIdentifiers.filter((text) => bytes.includes(Buffer.from(text, "utf8")));
}

function visitAndReport(missionId: string): string {
  dispatch("mission.assign", assignBody(missionId));
  feature.desk.accept(missionId);
  feature.status.setStatus("en_route");
  now += 10 * 60_000;
  feature.status.setStatus("on_scene");
  now += 60_000;
  feature.status.setStatus("with_patient");
  now += 25 * 60_000;
  feature.status.setStatus("visit_done");
  const result = feature.reports.submit(missionId, {
    outcome: "treated_at_home",
    summary: reportSummary,
    acts: ["Examen clinique", "Test rapide angine"],
    consumables: [{ item: "Abaisse-langue", qty: 2 }],
  });
  if (!result.ok) throw new Error(result.error.message.en);
  return result.report.messageId;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-purge-"));
  dbPath = join(dir, "core.sqlite");
  now = Date.parse("2026-11-23T21:00:00.000Z");
  db = openDatabase({
    path: dbPath,
    synchronous: "FULL",
    logger,
    migrations: [
      ...trackMigrations,
      ...outboxMigrations,
      ...inboxMigrations,
      ...checkMigrations,
      ...missionMigrations,
    ],
  }).db;
  outbox = new SqliteOutbox({ db, vehicle: "BDX-07", now: clock.now });
  inbox = new CommandInbox({
    ...{ fleet: "bordeaux", vehicle: "BDX-07", outbox, deliveries: outbox, unitOfWork: outbox },
    ...{ dedupe: new SqliteInbox(db, clock.now), logger, clock },
  });
  feature = new MissionsFeature({
    ...{
      db,
      outbox,
      unitOfWork: outbox,
      deliveries: outbox,
      inbox,
      track: new TrackRepository(db),
      clock,
      logger,
    },
    config: { purgeAfterHours: 24, readinessPolicy: "warn" },
  });
});

afterEach(() => {
  feature.stop();
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("visit report", () => {
  it("takes its times from the timeline, and closes the mission on dispatch's ack, not on PUBACK", () => {
    const start = now;
    const reportId = visitAndReport("M-1");
    const report = feature.reports.get("M-1");
    expect(report?.times).toEqual({
      receivedAt: start,
      acceptedAt: start,
      enRouteAt: start,
      onSceneAt: start + 10 * 60_000,
      withPatientAt: start + 11 * 60_000,
      visitDoneAt: start + 36 * 60_000,
      visitMinutes: 26,
    });
    expect(report?.delivery).toBe("queued");
    const wire = outbox.pending(1000).find((m) => m.id === reportId);
    expect(JSON.parse(wire?.payload ?? "{}").body).toEqual({
      missionId: "M-1",
      outcome: "treated_at_home",
      summary: reportSummary,
      acts: ["Examen clinique", "Test rapide angine"],
      consumables: [{ item: "Abaisse-langue", qty: 2 }],
    });
    expect(feature.desk.get("M-1")?.state).toBe("reported");
    publishAll();
    expect(feature.reports.closeAcknowledged()).toBe(0); // PUBACK is not dispatch's ack
    now += 5_000;
    expect(dispatch("ack", { ref: reportId })).toBe("applied");
    expect(feature.reports.closeAcknowledged()).toBe(1);
    expect(feature.desk.get("M-1")).toMatchObject({ state: "closed", endedAt: now });
    expect(feature.desk.timeline("M-1").at(-1)?.state).toBe("closed");
  });

  it("refuses a report before visit_done, or an invalid one, and changes nothing", () => {
    dispatch("mission.assign", assignBody("M-1"));
    feature.desk.accept("M-1");
    feature.status.setStatus("on_scene");
    const early = feature.reports.submit("M-1", { outcome: "no_patient", summary: "Personne" });
    expect(early.ok ? null : early.error.code).toBe("invalid_transition");
    feature.status.setStatus("visit_done");
    const empty = feature.reports.submit("M-1", { outcome: "no_patient", summary: "  " });
    expect(empty.ok ? null : empty.error.code).toBe("invalid_input");
    expect(feature.desk.get("M-1")?.state).toBe("visit_done");
    expect(outbox.pending(1000).some((m) => m.type === "report")).toBe(false);
  });
});

describe("patient data purge", () => {
  it("deletes the identifiers from the SQLite file 24 h after dispatch acknowledged the report", () => {
    const reportId = visitAndReport("M-1");
    publishAll();
    // The delivered outbox rows are gone on PUBACK: no copy of the report's payload stays there.
    expect(db.prepare("SELECT COUNT(*) AS n FROM outbox").get()).toEqual({ n: 0 });
    now += 60_000;
    dispatch("ack", { ref: reportId });
    feature.reports.closeAcknowledged();
    const closedAt = now;
    expect(identifiersInFile()).toEqual(patientIdentifiers); // the check can find them
    now = closedAt + 24 * hour - 1;
    expect(feature.purge.run()).toEqual([]);
    now = closedAt + 24 * hour;
    expect(feature.purge.run()).toEqual(["M-1"]);

    const mission = feature.desk.get("M-1");
    expect(mission?.details).toEqual({
      priority: "P1",
      reason: "Fièvre et douleur de gorge",
      address: { text: "—" },
      patient: { age: 34, sex: "F" },
    });
    expect(mission?.purgedAt).toBe(now);
    expect(feature.reports.get("M-1")).toMatchObject({ summary: null, outcome: "treated_at_home" });
    feature.stop();
    db.close();
    expect(identifiersInFile()).toEqual([]);
  });

  it("keeps the data while the report is not acknowledged, however long the link is down", () => {
    visitAndReport("M-1");
    publishAll();
    now += 30 * 24 * hour;
    feature.reports.closeAcknowledged();
    expect(feature.purge.run()).toEqual([]);
    expect(feature.desk.get("M-1")?.details.patient?.name).toBe("Jeanne Dupont-Lafitte");
  });

  it("purges a cancelled mission 24 h after the cancel", () => {
    dispatch("mission.assign", assignBody("M-2"));
    dispatch("mission.cancel", { missionId: "M-2", reason: "Patient transporté par sa famille" });
    now += 24 * hour;
    expect(feature.purge.run()).toEqual(["M-2"]);
    expect(feature.desk.get("M-2")?.details.callback).toBeUndefined();
  });
});
