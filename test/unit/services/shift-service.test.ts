/**
 * Doctors' shifts on a real SQLite file with the real outbox, command inbox, missions feature and
 * technician checks: sign-in, the PIN lockout, the shift-start checklist and its gate on
 * `available`, sign-out with its summary, the CSV export, and dispatch's `roster` through the inbox.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { coreMigrations } from "../../../src/app/core-migrations.ts";
import { MissionsFeature } from "../../../src/app/missions-feature.ts";
import { ShiftsFeature } from "../../../src/app/shifts-feature.ts";
import type { ConfigInput } from "../../../src/contracts/config.ts";
import { configSchema } from "../../../src/contracts/config.ts";
import { carMessageSchema } from "../../../src/contracts/messages.ts";
import { CommandInbox } from "../../../src/services/command-inbox.ts";
import type { Clock } from "../../../src/services/ports.ts";
import { ShiftError } from "../../../src/services/shift-errors.ts";
import { doctorStampingOutbox } from "../../../src/services/shift-status-stamp.ts";
import { TechnicianChecks } from "../../../src/services/technician-checks.ts";
import { SqliteCheckRepository } from "../../../src/store/check-repository.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { SqliteInbox } from "../../../src/store/inbox-repository.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { ScryptPinHasher } from "../../../src/store/scrypt-pin-hasher.ts";
import { TrackRepository } from "../../../src/store/track-repository.ts";
import { assignBody, commandPayload, missionTopic } from "../../support/mission-dispatch.ts";

const logger = pino({ level: "silent" });
const minute = 60_000;
let now = Date.parse("2026-11-23T19:00:00.000Z");
const clock: Clock = { now: () => now, monotonic: () => now };

const claire = { rpps: "19999900012", name: "Dr Claire Fictive" };
const paul = { rpps: "19999900020", name: "Dr Paul Exemple" };
const newcomer = { rpps: "19999900046", name: "Dr Nouvelle Venue" };
const checklist = [
  { id: "o2-open", label: { fr: "Ouvrir l'O2", en: "Open the O2" } },
  { id: "bavu-ok", label: { fr: "BAVU complet", en: "BAVU complete" } },
];

let dir: string;
let db: Database.Database;
let outbox: SqliteOutbox;
let inbox: CommandInbox;
let track: TrackRepository;
let missions: MissionsFeature;
let checks: TechnicianChecks;
let shifts: ShiftsFeature;

function build(shiftsConfig: ConfigInput["shifts"] = {}): void {
  db = openDatabase({
    path: join(dir, "core.sqlite"),
    synchronous: "FULL",
    logger,
    migrations: [...coreMigrations],
  }).db;
  outbox = new SqliteOutbox({ db, vehicle: "BDX-07", now: clock.now });
  inbox = new CommandInbox({
    ...{ fleet: "bordeaux", vehicle: "BDX-07", outbox, deliveries: outbox, unitOfWork: outbox },
    ...{ dedupe: new SqliteInbox(db, clock.now), logger, clock },
  });
  track = new TrackRepository(db);
  const config = configSchema.parse({
    fleet: "bordeaux",
    vehicle: "BDX-07",
    profile: "bdx-07",
    mqtt: { url: "mqtt://localhost:1883" },
    shifts: shiftsConfig,
  });
  missions = new MissionsFeature({
    ...{ db, unitOfWork: outbox, deliveries: outbox, inbox, track, clock, logger },
    outbox: doctorStampingOutbox(outbox, () => shifts?.service.currentDoctor() ?? null),
    config: { ...config.missions, readinessPolicy: "block" },
  });
  const checklists = { shiftStart: { items: checklist }, weekly: { items: [] }, monthly: { items: [] } };
  checks = new TechnicianChecks({
    ...{ checklists, vehicle: "BDX-07", store: new SqliteCheckRepository(db), outbox, unitOfWork: outbox },
    ...{ pins: new ScryptPinHasher({ N: 1024 }), clock, logger },
  });
  shifts = new ShiftsFeature({
    ...{ db, outbox, unitOfWork: outbox, inbox, clock, logger, config, track, missions },
    profile: { roster: { doctors: [claire, paul] }, checks: checklists },
    technicianRuns: checks,
    equipment: null,
  });
}

type Sent = { id: string; type: string; seq: number; body: Record<string, unknown> };
function sent(type?: string): Sent[] {
  const all = outbox.pending(1000).map((m) => JSON.parse(m.payload) as Sent);
  for (const message of all) expect(carMessageSchema.safeParse(message).success, message.type).toBe(true);
  return type === undefined ? all : all.filter((m) => m.type === type);
}

async function refusal(promise: Promise<unknown>): Promise<ShiftError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ShiftError) return error;
    throw error;
  }
  throw new Error("expected a ShiftError");
}

function fix(lat: number, lon: number): void {
  track.append([{ fix: { fixTime: new Date(now).toISOString(), lat, lon, fix: "3d" }, receivedAt: now }]);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-shifts-"));
  now = Date.parse("2026-11-23T19:00:00.000Z");
});
afterEach(() => {
  shifts?.stop();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("sign-in", () => {
  it("signs a roster doctor in with their PIN: shift started, status and checklist", async () => {
    build();
    expect(missions.status.setStatus("unavailable").ok).toBe(true);
    await shifts.doctors.enrolPin(claire.rpps, "2580");
    const result = await shifts.service.signIn({ rpps: "199 9990 0012", pin: "2580" });
    expect(result.shift.doctor).toEqual(claire);
    expect(result.checklist?.map((item) => item.id)).toEqual(["o2-open", "bavu-ok"]);
    expect(sent("shift").map((m) => m.body)).toEqual([
      expect.objectContaining({ state: "started", doctor: claire, shiftId: result.shift.shiftId }),
    ]);
    // The retained status is published again, now naming the doctor.
    expect(sent("status").map((m) => m.body.doctor)).toEqual([undefined, claire]);
    expect(shifts.service.currentDoctor()).toEqual(claire);
    expect((await refusal(shifts.service.signIn({ rpps: paul.rpps, pin: "1111" }))).code).toBe(
      "already_signed_in",
    );
  });

  it("refuses an unknown doctor unless the policy lets them in, with their first PIN as theirs", async () => {
    build();
    expect(
      (await refusal(shifts.service.signIn({ rpps: newcomer.rpps, pin: "1234", name: newcomer.name }))).code,
    ).toBe("unknown_doctor");
    expect((await refusal(shifts.service.signIn({ rpps: "19999900013", pin: "1234" }))).code).toBe(
      "invalid_rpps",
    );
    db.close();
    build({ allowUnknownDoctors: true });
    await shifts.service.signIn({ rpps: newcomer.rpps, pin: "1234", name: newcomer.name });
    expect(shifts.service.currentDoctor()).toEqual(newcomer);
    expect(await shifts.service.verifyPin("1234")).toBe(true);
  });

  it("locks the doctor out after five wrong PINs for 15 minutes, for sign-in and unlock alike", async () => {
    build();
    await shifts.doctors.enrolPin(claire.rpps, "2580");
    await shifts.service.signIn({ rpps: claire.rpps, pin: "2580" });
    for (let left = 4; left >= 1; left--)
      expect(await refusal(shifts.service.verifyPin("0000"))).toMatchObject({
        code: "pin_incorrect",
        attemptsLeft: left,
      });
    expect(await refusal(shifts.service.verifyPin("0000"))).toMatchObject({
      code: "locked",
      lockedUntil: now + 15 * minute,
    });
    expect((await refusal(shifts.service.verifyPin("2580"))).code).toBe("locked");
    now += 15 * minute;
    expect(await shifts.service.verifyPin("2580")).toBe(true);
  });
});

describe("shift-start checklist and availability", () => {
  it("blocks `available` under policy block until the doctor answers the checklist", async () => {
    build({ policy: "block" });
    await shifts.doctors.enrolPin(claire.rpps, "2580");
    await shifts.service.signIn({ rpps: claire.rpps, pin: "2580" });
    const refused = missions.status.setStatus("available");
    expect(refused.ok).toBe(false);
    expect(shifts.service.availabilityGate().allowed).toBe(false);
    const gate = shifts.service.completeShiftStart([
      { checkId: "o2-open", result: "pass" },
      { checkId: "bavu-ok", result: "pass" },
    ]);
    expect(gate.allowed).toBe(true);
    expect(shifts.service.shiftStartChecklist()).toBeNull();
    expect(sent("check").map((m) => m.body.technician)).toEqual([
      "Dr Claire Fictive (RPPS 19999900012)",
      "Dr Claire Fictive (RPPS 19999900012)",
    ]);
    const available = missions.status.setStatus("available");
    expect(available.ok).toBe(true);
    expect(sent("status").at(-1)?.body).toMatchObject({ key: "available", doctor: claire });
  });

  it("only warns under policy warn, and names a failed item", async () => {
    build({ policy: "warn" });
    await shifts.doctors.enrolPin(claire.rpps, "2580");
    await shifts.service.signIn({ rpps: claire.rpps, pin: "2580" });
    shifts.service.completeShiftStart([
      { checkId: "o2-open", result: "pass" },
      { checkId: "bavu-ok", result: "fail", notes: "masque enfant absent" },
    ]);
    const result = missions.status.setStatus("available");
    expect(result.ok && result.warnings.map((w) => w.text.en)).toEqual([
      "Shift start: check “BAVU complete” failed",
    ]);
  });

  it("needs no checklist when a technician signed it within 12 hours before sign-in", async () => {
    build({ policy: "block" });
    await checks.enrol({ technicianId: "jm", displayName: "J. Martin", pin: "9876" });
    now -= 11 * 60 * minute;
    await checks.sign({
      technicianId: "jm",
      pin: "9876",
      schedule: "shiftStart",
      results: [
        { checkId: "o2-open", result: "pass" },
        { checkId: "bavu-ok", result: "pass" },
      ],
    });
    now += 11 * 60 * minute;
    await shifts.doctors.enrolPin(claire.rpps, "2580");
    const { checklist: shown, shift } = await shifts.service.signIn({ rpps: claire.rpps, pin: "2580" });
    expect(shown).toBeNull();
    expect(shift.shiftStart.state).toBe("covered");
    // Still covered late in the shift: the window is judged at sign-in.
    now += 10 * 60 * minute;
    expect(missions.status.setStatus("available").ok).toBe(true);
  });
});

describe("sign-out and history", () => {
  it("ends the shift with its summary: mission times, statuses, distance, restock; CSV export", async () => {
    build();
    await shifts.doctors.enrolPin(claire.rpps, "2580");
    fix(44.8, -0.58); // before sign-in: not counted
    await shifts.service.signIn({ rpps: claire.rpps, pin: "2580" });
    shifts.service.completeShiftStart([
      { checkId: "o2-open", result: "pass" },
      { checkId: "bavu-ok", result: "pass" },
    ]);
    expect(missions.status.setStatus("available").ok).toBe(true);
    now += 10 * minute;
    inbox.handle(missionTopic, commandPayload("mission.assign", assignBody("M-7"), now));
    missions.desk.displayed("M-7");
    missions.desk.accept("M-7");
    expect(missions.status.setStatus("en_route").ok).toBe(true);
    // 1 km due north, a fix every 20 m.
    for (let i = 0; i <= 50; i++) {
      now += 2000;
      fix(44.81 + (i * 0.009) / 50, -0.58);
    }
    now += 5 * minute;
    expect(missions.status.setStatus("on_scene").ok).toBe(true);
    expect((await refusal(Promise.resolve().then(() => shifts.service.signOut()))).code).toBe("mission_open");
    now += 30 * minute;
    expect(missions.status.setStatus("visit_done").ok).toBe(true);
    const report = missions.reports.submit("M-7", {
      outcome: "treated_at_home",
      summary: "RAS",
      consumables: [
        { item: "Compresses", qty: 4 },
        { item: "compresses", qty: 2 },
      ],
    });
    expect(report.ok).toBe(true);
    expect(missions.status.setStatus("available").ok).toBe(true);
    now += 20 * minute;

    const ended = shifts.service.signOut();
    const summary = ended.summary;
    expect(summary?.distanceM).toBeGreaterThan(990);
    expect(summary?.distanceM).toBeLessThan(1010);
    expect(summary?.restock).toEqual([{ item: "Compresses", qty: 6 }]);
    expect(summary?.missions.map((m) => [m.missionId, m.outcome, m.times.visitMinutes])).toEqual([
      ["M-7", "treated_at_home", 30],
    ]);
    const seconds = Object.fromEntries(summary?.statusTimes.map((t) => [t.key, t.ms / 1000]) ?? []);
    expect(seconds).toMatchObject({ on_scene: 30 * 60, visit_done: 0 });
    expect(Object.values(seconds).reduce((a, b) => a + b, 0)).toBe((now - ended.startedAt) / 1000);

    const endedEvent = sent("shift").at(-1);
    expect(endedEvent?.body).toMatchObject({ state: "ended", doctor: claire, summary: { distanceKm: 1 } });
    expect(sent("status").at(-1)?.body.doctor).toBeUndefined();
    expect(shifts.service.current()).toBeNull();
    expect(shifts.service.history().map((s) => s.summary?.restock)).toEqual([
      [{ item: "Compresses", qty: 6 }],
    ]);
    const csv = shifts.exportCsv({ delimiter: ";" });
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv).toContain("Dr Claire Fictive;19999900012");
    expect(csv).toContain("Compresses × 6");
  });
});

describe("dispatch's roster", () => {
  it("replaces the roster: a new doctor signs in with the given PIN, a removed one cannot", async () => {
    build();
    await shifts.doctors.enrolPin(paul.rpps, "2580");
    const pinHash = (await import("../../../src/services/pin-verifier.ts")).encodePinHash(
      await new ScryptPinHasher({ N: 1024 }).hash("4321"),
    );
    const outcome = inbox.handle(
      missionTopic,
      commandPayload("roster", { doctors: [claire, { ...newcomer, pinHash }] }, now),
    );
    expect(outcome).toBe("applied");
    expect((await refusal(shifts.service.signIn({ rpps: paul.rpps, pin: "2580" }))).code).toBe(
      "unknown_doctor",
    );
    await shifts.service.signIn({ rpps: newcomer.rpps, pin: "4321" });
    expect(shifts.service.currentDoctor()).toEqual(newcomer);
    // A bad roster is refused with a reason, and changes nothing.
    expect(inbox.handle(missionTopic, commandPayload("roster", { doctors: [claire, claire] }, now))).toBe(
      "rejected",
    );
    expect(shifts.doctors.doctor(newcomer.rpps)?.inRoster).toBe(true);
  });

  it("keeps dispatch's roster over the profile's at the next start", async () => {
    build();
    inbox.handle(missionTopic, commandPayload("roster", { doctors: [newcomer] }, now));
    shifts.stop();
    db.close();
    build();
    expect(shifts.doctors.doctor(claire.rpps)?.inRoster).toBe(false);
    expect(shifts.doctors.doctor(newcomer.rpps)?.inRoster).toBe(true);
  });
});
