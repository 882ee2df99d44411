/**
 * Technician checks on a real SQLite file with the bdx-07 profile: a signed run is still there, with
 * its queued `check` events, after the file is closed and opened again, and exports as CSV.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import { loadVehicleProfile } from "../../../src/app/profile-loader.ts";
import { carMessageSchema } from "../../../src/contracts/messages.ts";
import { checkHistoryCsv } from "../../../src/services/check-csv.ts";
import type { Clock } from "../../../src/services/ports.ts";
import { TechnicianChecks } from "../../../src/services/technician-checks.ts";
import { checkMigrations } from "../../../src/store/check-migrations.ts";
import { SqliteCheckRepository } from "../../../src/store/check-repository.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { inboxMigrations } from "../../../src/store/inbox-migrations.ts";
import { outboxMigrations } from "../../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { ScryptPinHasher } from "../../../src/store/scrypt-pin-hasher.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";

const logger = createLogger({ name: "test", level: "silent" });
const profile = loadVehicleProfile(resolve(import.meta.dirname, "../../../hardware/profiles/bdx-07.json"));
const migrations = [...trackMigrations, ...outboxMigrations, ...inboxMigrations, ...checkMigrations];
const t0 = Date.parse("2026-11-23T07:31:00.000Z");
const clock: Clock = { now: () => t0, monotonic: () => 0 };

let dir: string;
const open: Database.Database[] = [];

/** One connection with its outbox and checks service, as the core (or the CLI) builds them. */
function connect() {
  const { db } = openDatabase({ path: join(dir, "core.sqlite"), synchronous: "FULL", logger, migrations });
  open.push(db);
  const outbox = new SqliteOutbox({ db, vehicle: "BDX-07" });
  const checks = new TechnicianChecks({
    checklists: profile.checks,
    vehicle: "BDX-07",
    store: new SqliteCheckRepository(db),
    outbox,
    unitOfWork: outbox,
    // The production cost, on purpose: this is the path a car takes.
    pins: new ScryptPinHasher(),
    clock,
    logger,
  });
  return { db, outbox, checks };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-checks-"));
});
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("technician checks in the core's database", () => {
  it("keeps a signed run and its check events across a reopen, and exports them", async () => {
    const first = connect();
    await first.checks.enrol({ technicianId: "t-042", displayName: "Marc Dubois", pin: "482913" });
    const items = profile.checks.shiftStart.items;
    const signed = await first.checks.sign({
      technicianId: "t-042",
      pin: "482913",
      schedule: "shiftStart",
      results: items.map((item) =>
        item.id === "ecg-pads"
          ? { checkId: item.id, result: "fail" as const, notes: "Électrodes pédiatriques, 1 jeu manquant" }
          : { checkId: item.id, result: "pass" as const },
      ),
    });
    first.db.close();

    const again = connect();
    expect(again.checks.history()).toEqual([signed]);
    expect(again.checks.latestByCheck()).toMatchObject({
      "ecg-selftest": { at: t0, result: "pass" },
      "ecg-pads": { at: t0, result: "fail" },
    });
    expect(Object.keys(again.checks.latestByCheck()).sort()).toEqual(items.map((i) => i.id).sort());

    const messages = again.outbox.pending(100);
    expect(messages).toHaveLength(items.length);
    expect(messages.map((m) => m.seq)).toEqual(items.map((_, index) => index + 1));
    for (const [index, message] of messages.entries()) {
      const item = items[index];
      const envelope = carMessageSchema.parse(JSON.parse(message.payload));
      expect(message).toMatchObject({ type: "check", suffix: "events", qos: 1, retain: false });
      expect(envelope).toMatchObject({ type: "check", src: "BDX-07", body: { checkId: item?.id } });
      expect(envelope.body).toMatchObject({ itemId: item?.equipmentId, technician: "t-042" });
      expect(again.outbox.stateOf(message.id)?.state).toBe("queued");
    }

    const lines = checkHistoryCsv(again.checks.history({ from: t0, to: t0 + 1 })).split("\r\n");
    expect(lines).toHaveLength(items.length + 2);
    expect(lines[2]).toBe(
      "2026-11-23T07:31:00.000Z,BDX-07,prise de poste,ecg-pads,ecg,Électrodes adultes et pédiatriques présentes," +
        'non conforme,Marc Dubois (t-042),"Électrodes pédiatriques, 1 jeu manquant"',
    );
  });

  it("lets a second connection (the CLI beside the core) see a run the moment it commits", async () => {
    const core = connect();
    const cli = connect();
    await cli.checks.enrol({ technicianId: "t-042", displayName: "Marc Dubois", pin: "482913" });
    expect(core.checks.latestByCheck()).toEqual({});
    await cli.checks.sign({
      technicianId: "t-042",
      pin: "482913",
      schedule: "weekly",
      results: profile.checks.weekly.items.map((item) => ({ checkId: item.id, result: "pass" as const })),
    });
    expect(Object.keys(core.checks.latestByCheck())).toHaveLength(profile.checks.weekly.items.length);
    expect(core.outbox.pendingCount()).toBe(profile.checks.weekly.items.length);
    // A wrong PIN typed at the CLI counts for the core too: the lockout lives in the database.
    await expect(
      cli.checks.sign({ technicianId: "t-042", pin: "000000", schedule: "weekly", results: [] }),
    ).rejects.toThrow(/Contrôle refusé/);
    await expect(
      cli.checks.sign({
        technicianId: "t-042",
        pin: "000000",
        schedule: "weekly",
        results: profile.checks.weekly.items.map((item) => ({ checkId: item.id, result: "pass" as const })),
      }),
    ).rejects.toThrow("PIN incorrect (4 essais restants)");
    expect(core.db.prepare("SELECT failed_attempts FROM technicians WHERE id = 't-042'").pluck().get()).toBe(
      1,
    );
  });
});
