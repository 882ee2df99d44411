/**
 * The mission services on a real SQLite file with the real outbox and command inbox: dispatch's
 * commands go through `inbox.handle` exactly as they come off the broker, the doctor's actions call
 * the services, and the outbox holds what would be published.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MissionsFeature } from "../../../src/app/missions-feature.ts";
import type { ReadinessVerdict } from "../../../src/domain/equipment/readiness-verdict.ts";
import { CommandInbox } from "../../../src/services/command-inbox.ts";
import type { ReadinessProvider } from "../../../src/services/mission-ports.ts";
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
import { assignBody, commandPayload, missionTopic } from "../../support/mission-dispatch.ts";

const logger = pino({ level: "silent" });
let now = Date.parse("2026-11-23T21:04:05.000Z");
const clock: Clock = { now: () => now, monotonic: () => now };

let dir: string;
let db: Database.Database;
let outbox: SqliteOutbox;
let inbox: CommandInbox;
let track: TrackRepository;
let feature: MissionsFeature;
let statusChanges: number;

function build(options: { policy?: "warn" | "block"; readiness?: ReadinessProvider } = {}): void {
  db = openDatabase({
    path: join(dir, "core.sqlite"),
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
  track = new TrackRepository(db);
  statusChanges = 0;
  feature = new MissionsFeature({
    ...{ db, outbox, unitOfWork: outbox, deliveries: outbox, inbox, track, clock, logger },
    reporter: { statusChanged: () => statusChanges++ },
    config: { purgeAfterHours: 24, readinessPolicy: options.policy ?? "warn" },
    ...(options.readiness ? { readiness: options.readiness } : {}),
  });
}

function dispatch(type: string, body: unknown) {
  return inbox.handle(missionTopic, commandPayload(type, body, now));
}

/** Everything in the outbox, decoded, in seq order. */
function sent(): Array<{ id: string; type: string; seq: number; body: Record<string, unknown> }> {
  return outbox.pending(1000).map((message) => JSON.parse(message.payload));
}

function fixAt(lat: number, lon: number): void {
  track.append([{ fix: { fixTime: new Date(now).toISOString(), lat, lon, fix: "3d" }, receivedAt: now }]);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-missions-"));
  now = Date.parse("2026-11-23T21:04:05.000Z");
  build();
});

afterEach(() => {
  feature.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("mission desk", () => {
  it("stores an assignment and acknowledges `received` in the same transaction", () => {
    expect(dispatch("mission.assign", assignBody("M-1"))).toBe("applied");
    const mission = feature.desk.get("M-1");
    expect(mission?.state).toBe("received");
    expect(mission?.details.address.text).toMatch(/Sainte-Catherine/);
    expect(sent().map((m) => [m.type, m.body.state])).toEqual([["mission.ack", "received"]]);
    const timeline = feature.desk.timeline("M-1");
    expect(timeline.map((entry) => [entry.kind, entry.state, entry.delivery])).toEqual([
      ["lifecycle", "assigned", null],
      ["ack", "received", "queued"],
    ]);
  });

  it("refuses a second assignment of the same mission, and one sent to the whole fleet", () => {
    dispatch("mission.assign", assignBody("M-1"));
    expect(dispatch("mission.assign", assignBody("M-1"))).toBe("rejected");
    expect(
      inbox.handle("sosm/v1/bordeaux/_all/cmd", commandPayload("mission.assign", assignBody("M-2"), now)),
    ).toBe("rejected");
    expect(feature.desk.get("M-2")).toBeNull();
    expect(
      sent()
        .filter((m) => m.type === "rejected")
        .map((m) => m.body.reason),
    ).toEqual([
      "mission M-1 is already assigned (send mission.update to change it)",
      "mission M-2 sent to the whole fleet: a mission goes to one car",
    ]);
  });

  it("sends displayed then accepted when the doctor accepts from the list", () => {
    dispatch("mission.assign", assignBody("M-1"));
    const result = feature.desk.accept("M-1");
    expect(result.ok && result.mission.state).toBe("accepted");
    expect(sent().map((m) => m.body.state)).toEqual(["received", "displayed", "accepted"]);
    expect(feature.desk.displayed("M-1").ok).toBe(true); // shown again: nothing more is sent
    expect(sent()).toHaveLength(3);
  });

  it("sends the decline reason and ends the mission", () => {
    dispatch("mission.assign", assignBody("M-1"));
    feature.desk.displayed("M-1");
    const result = feature.desk.decline("M-1", "  Véhicule en panne ");
    expect(result.ok && result.mission.state).toBe("declined");
    expect(result.ok && result.mission.endedAt).toBe(now);
    expect(sent().at(-1)?.body).toEqual({ missionId: "M-1", state: "declined", reason: "Véhicule en panne" });
    const again = feature.desk.accept("M-1");
    expect(again.ok ? null : again.error.code).toBe("invalid_transition");
  });

  it("refuses to accept a second mission while one is in progress", () => {
    dispatch("mission.assign", assignBody("M-1"));
    dispatch("mission.assign", assignBody("M-2"));
    feature.desk.accept("M-1");
    const second = feature.desk.accept("M-2");
    expect(second.ok ? null : second.error.code).toBe("other_mission_active");
    expect(feature.desk.get("M-2")?.state).toBe("received");
  });

  it("merges an update and refuses one for an unknown mission", () => {
    dispatch("mission.assign", assignBody("M-1"));
    dispatch("mission.update", { missionId: "M-1", address: { text: "3 place de la Bourse, Bordeaux" } });
    expect(feature.desk.get("M-1")?.details.address).toEqual({ text: "3 place de la Bourse, Bordeaux" });
    expect(feature.desk.get("M-1")?.details.patient?.name).toBe("Jeanne Dupont-Lafitte");
    expect(dispatch("mission.update", { missionId: "M-9", notes: "x" })).toBe("rejected");
    expect(sent().at(-1)?.body.reason).toBe("unknown mission M-9");
  });
});

describe("status board", () => {
  it("drives the mission with one touch per status, with positions, and refuses what is not allowed", () => {
    dispatch("mission.assign", assignBody("M-1"));
    feature.desk.accept("M-1");
    const before = sent().length;
    const refused = feature.status.setStatus("on_scene");
    expect(refused.ok).toBe(true); // on_scene needs an accepted mission, en route or not
    const early = feature.status.setStatus("with_patient");
    expect(early.ok).toBe(true);
    const onlyAfterVisit = feature.status.setStatus("available");
    expect(onlyAfterVisit.ok ? null : onlyAfterVisit.error.code).toBe("mission_open");
    expect(sent().length).toBe(before + 2); // the refusal sent nothing
    expect(feature.status.current()?.key).toBe("with_patient");
    fixAt(44.8378, -0.5736);
    const done = feature.status.setStatus("visit_done");
    expect(done.ok && done.status).toMatchObject({
      key: "visit_done",
      code: 8,
      missionId: "M-1",
      lat: 44.8378,
    });
    expect(sent().at(-1)?.body).toEqual({
      code: 8,
      key: "visit_done",
      since: new Date(now).toISOString(),
      missionId: "M-1",
      lat: 44.8378,
      lon: -0.5736,
    });
    expect(feature.desk.get("M-1")?.state).toBe("visit_done");
    expect(statusChanges).toBe(3);
    expect(feature.status.movingProfile()).toBe("patrol");
  });

  it("leaves everything unchanged on an invalid transition and says why in French and English", () => {
    const result = feature.status.setStatus("on_scene");
    expect(result).toEqual({
      ok: false,
      error: {
        code: "no_active_mission",
        message: {
          fr: "« Sur place » impossible : aucune mission acceptée",
          en: '"On scene" is not possible: no accepted mission',
        },
      },
    });
    expect(sent()).toEqual([]);
    expect(feature.status.current()).toBeNull();
    expect(statusChanges).toBe(0);
  });

  it("allows available again once dispatch cancels the mission", () => {
    dispatch("mission.assign", assignBody("M-1"));
    feature.desk.accept("M-1");
    feature.status.setStatus("en_route");
    expect(feature.status.movingProfile()).toBe("mission");
    expect(feature.status.setStatus("available").ok).toBe(false);
    expect(dispatch("mission.cancel", { missionId: "M-1", reason: "Patient parti aux urgences" })).toBe(
      "applied",
    );
    expect(feature.desk.get("M-1")?.state).toBe("cancelled");
    expect(feature.status.setStatus("available").ok).toBe(true);
    expect(feature.status.movingProfile()).toBe("patrol");
  });

  it("refuses a cancel after visit_done", () => {
    dispatch("mission.assign", assignBody("M-1"));
    feature.desk.accept("M-1");
    feature.status.setStatus("on_scene");
    feature.status.setStatus("visit_done");
    expect(dispatch("mission.cancel", { missionId: "M-1", reason: "trop tard" })).toBe("rejected");
    expect(sent().at(-1)?.body.reason).toMatch(/The visit is over/);
  });

  it("sends call_request and then the current status again, which stays", () => {
    feature.status.setStatus("available");
    const result = feature.status.setStatus("call_request");
    expect(result.ok).toBe(true);
    expect(sent().map((m) => m.body.key)).toEqual(["available", "call_request", "available"]);
    expect(feature.status.current()?.key).toBe("available");
    expect(feature.status.history().map((s) => s.key)).toEqual(["call_request", "available"]);
  });

  it("re-publishes the current status with the time it was entered (status.request)", () => {
    feature.status.setStatus("at_base");
    const since = new Date(now).toISOString();
    now += 60_000;
    outbox.transaction(() => feature.republishStatus());
    expect(sent().map((m) => [m.body.key, m.body.since])).toEqual([
      ["at_base", since],
      ["at_base", since],
    ]);
  });

  it("tells listeners about each status change with its mission", () => {
    const heard: unknown[] = [];
    feature.onStatusChange((key, missionId, at) => heard.push([key, missionId, at]));
    dispatch("mission.assign", assignBody("M-1"));
    feature.desk.accept("M-1");
    feature.status.setStatus("on_scene");
    feature.status.setStatus("call_request");
    expect(heard).toEqual([["on_scene", "M-1", now]]);
  });

  it("gives a recent position only: an old fix is no position", () => {
    fixAt(44.9, -0.6);
    expect(feature.currentPosition()).toMatchObject({ lat: 44.9, lon: -0.6 });
    now += 121_000;
    expect(feature.currentPosition()).toBeNull();
    feature.status.setStatus("available");
    expect(sent().at(-1)?.body.lat).toBeUndefined();
  });
});

describe("readiness gate on available", () => {
  const faulty: ReadinessVerdict = {
    readiness: "not_ready",
    items: [
      {
        id: "o2-main",
        kind: "oxygen",
        state: "fault",
        findings: [
          {
            state: "fault",
            reason: { code: "oxygen_below_reserve", pressureBar: 12, reserveBar: 20 },
            text: { fr: "Oxygène : sous la réserve", en: "Oxygen: below the reserve" },
          },
        ],
      },
    ],
  };

  it("answers unknown by default, and allows", () => {
    const result = feature.status.setStatus("available");
    expect(result.ok && result.readiness).toBe("unknown");
  });

  it("blocks with the reasons under policy block, and changes nothing", () => {
    feature.stop();
    db.close();
    build({ policy: "block", readiness: { verdict: () => faulty } });
    const result = feature.status.setStatus("available");
    expect(result.ok ? null : result.error.code).toBe("not_ready");
    expect(result.ok ? null : result.error.message.fr).toBe(
      "« Disponible » bloqué : matériel non prêt (Oxygène : sous la réserve)",
    );
    expect(sent()).toEqual([]);
    expect(feature.status.setStatus("unavailable").ok).toBe(true);
  });

  it("warns and allows under policy warn", () => {
    feature.setReadinessProvider({ verdict: () => faulty });
    const result = feature.status.setStatus("at_base");
    expect(result.ok && result.readiness).toBe("not_ready");
    expect(result.ok && result.warnings.map((w) => w.text.en)).toEqual(["Oxygen: below the reserve"]);
  });
});

describe("crew messages", () => {
  it("counts dispatch's messages as unread until read, and sends the doctor's through the outbox", () => {
    dispatch("message", { text: "Rappelez le 15 svp" });
    dispatch("message", { text: "Urgent" });
    expect(feature.messages.unreadCount()).toBe(2);
    const [latest] = feature.messages.list();
    expect(latest?.text).toBe("Urgent");
    expect(feature.messages.markRead(latest?.id ?? "")).toBe(true);
    expect(feature.messages.unreadCount()).toBe(1);
    const reply = feature.messages.send("Bien reçu", latest?.id);
    expect(reply.ok && reply.message.delivery).toBe("queued");
    expect(sent().at(-1)).toMatchObject({
      type: "message",
      body: { text: "Bien reçu", replyTo: latest?.id },
    });
    expect(feature.messages.markAllRead()).toBe(1);
    expect(feature.messages.send("   ").ok).toBe(false);
  });
});
