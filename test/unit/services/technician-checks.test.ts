/**
 * Technician checks: enrolment, signing a run, the transaction with the outbox, and the history.
 * Real SQLite (in memory), real scrypt (at a low cost, to keep the suite fast), a fake clock.
 */
import { scryptSync } from "node:crypto";
import type Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { carMessageSchema } from "../../../src/contracts/messages.ts";
import { vehicleProfileSchema } from "../../../src/contracts/vehicle-profile.ts";
import type { Outbox } from "../../../src/services/outbox.ts";
import { CheckError, TechnicianChecks } from "../../../src/services/technician-checks.ts";
import { checkMigrations } from "../../../src/store/check-migrations.ts";
import { SqliteCheckRepository } from "../../../src/store/check-repository.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { inboxMigrations } from "../../../src/store/inbox-migrations.ts";
import { outboxMigrations } from "../../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { ScryptPinHasher } from "../../../src/store/scrypt-pin-hasher.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";

const logger = pino({ level: "silent" });
const t0 = Date.parse("2026-11-23T07:30:00.000Z");
const label = (fr: string) => ({ fr, en: `${fr} (en)` });
const profile = vehicleProfileSchema.parse({
  id: "bdx-07",
  label: "BDX-07",
  vehicle: { make: "Peugeot", model: "2008" },
  equipment: [{ id: "bavu", kind: "bavu", slot: 1, label: label("BAVU") }],
  checks: {
    shiftStart: {
      items: [
        { id: "bavu-present", label: label("BAVU dans son support"), equipmentId: "bavu" },
        { id: "cabin-clean", label: label("Habitacle propre") },
        { id: "fuel", label: label("Plein fait") },
      ],
    },
    weekly: { items: [{ id: "bavu-function", label: label("Test du BAVU"), equipmentId: "bavu" }] },
  },
});
const allPass = [
  { checkId: "bavu-present", result: "pass" as const },
  { checkId: "cabin-clean", result: "pass" as const },
  { checkId: "fuel", result: "pass" as const },
];

interface PinRow {
  pin_salt: Buffer;
  pin_hash: Buffer;
}

let db: Database.Database;
let now: number;
let outbox: SqliteOutbox;
let store: SqliteCheckRepository;

function service(options: { outbox?: Outbox; pins?: ScryptPinHasher } = {}) {
  return new TechnicianChecks({
    checklists: profile.checks,
    vehicle: "BDX-07",
    store,
    outbox: options.outbox ?? outbox,
    unitOfWork: outbox,
    pins: options.pins ?? new ScryptPinHasher({ N: 1024 }),
    clock: { now: () => now, monotonic: () => now },
    logger,
    timeZone: "Europe/Paris",
  });
}

beforeEach(() => {
  now = t0;
  db = openDatabase({
    path: ":memory:",
    synchronous: "FULL",
    logger,
    migrations: [...trackMigrations, ...outboxMigrations, ...inboxMigrations, ...checkMigrations],
  }).db;
  outbox = new SqliteOutbox({ db, vehicle: "BDX-07" });
  store = new SqliteCheckRepository(db);
});
afterEach(() => db.close());

async function refusal(promise: Promise<unknown>): Promise<CheckError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckError);
  return error as CheckError;
}

describe("enrolling a technician", () => {
  it("keeps a salted scrypt hash with its parameters, never the PIN", async () => {
    const checks = service();
    await checks.enrol({ technicianId: "t-042", displayName: "  Marc Dubois ", pin: "482913" });
    await checks.enrol({ technicianId: "t-043", displayName: "Léa Martin", pin: "482913" });
    const rows = db.prepare("SELECT * FROM technicians ORDER BY id").all() as Array<Record<string, unknown>>;
    expect(rows[0]).toMatchObject({
      id: "t-042",
      display_name: "Marc Dubois",
      pin_algorithm: "scrypt",
      scrypt_n: 1024,
      scrypt_r: 8,
      scrypt_p: 1,
      key_length: 32,
      failed_attempts: 0,
      locked_until: null,
      enrolled_at: t0,
    });
    const [a, b] = rows as unknown as [PinRow, PinRow];
    expect(a.pin_salt).toHaveLength(16);
    expect(a.pin_hash).toHaveLength(32);
    for (const column of Object.values(rows[0] ?? {})) expect(String(column)).not.toContain("482913");
    expect(a.pin_hash.includes(Buffer.from("482913"))).toBe(false);
    // It is scrypt of the PIN with the stored salt and parameters, nothing weaker.
    expect(a.pin_hash.equals(scryptSync("482913", a.pin_salt, 32, { N: 1024, r: 8, p: 1 }))).toBe(true);
    // Same PIN, different salt: a copied database does not show who shares a PIN.
    expect(a.pin_salt.equals(b.pin_salt)).toBe(false);
    expect(a.pin_hash.equals(b.pin_hash)).toBe(false);
  });

  it("refuses a PIN that is not 4 to 8 digits, a bad id or name, and an id already taken", async () => {
    const checks = service();
    for (const pin of ["123", "123456789", "12a4", " 1234", ""])
      expect((await refusal(checks.enrol({ technicianId: "t-1", displayName: "A", pin }))).code).toBe(
        "invalid_pin_format",
      );
    expect((await refusal(checks.enrol({ technicianId: "t 1", displayName: "A", pin: "1234" }))).code).toBe(
      "invalid_technician",
    );
    expect(
      (await refusal(checks.enrol({ technicianId: "t-1", displayName: "A\nB", pin: "1234" }))).code,
    ).toBe("invalid_technician");
    await checks.enrol({ technicianId: "t-1", displayName: "A", pin: "1234" });
    const taken = await refusal(checks.enrol({ technicianId: "t-1", displayName: "B", pin: "5678" }));
    expect(taken.message).toBe("Le technicien t-1 est déjà inscrit");
    expect(taken.text.en).toBe("Technician t-1 is already enrolled");
  });
});

describe("signing a checklist", () => {
  it("stores the run and queues one valid check event per item, in one go", async () => {
    const checks = service();
    await checks.enrol({ technicianId: "t-042", displayName: "Marc Dubois", pin: "4829" });
    now = t0 + 60_000;
    const run = await checks.sign({
      technicianId: "t-042",
      pin: "4829",
      schedule: "shiftStart",
      results: [
        { checkId: "fuel", result: "fail", notes: "  réservoir à moitié, station fermée " },
        ...allPass.slice(0, 2),
      ],
    });
    expect(run).toMatchObject({ vehicle: "BDX-07", schedule: "shiftStart", signedAt: t0 + 60_000 });
    // Checklist order, whatever the order of the answers.
    expect(run.results.map((r) => r.checkId)).toEqual(["bavu-present", "cabin-clean", "fuel"]);
    const messages = outbox.pending(10);
    expect(messages.map((m) => m.id)).toEqual(run.results.map((r) => r.messageId));
    const bodies = messages.map((m) => {
      const parsed = carMessageSchema.parse(JSON.parse(m.payload));
      expect(parsed).toMatchObject({ type: "check", src: "BDX-07", ts: "2026-11-23T07:31:00.000Z" });
      return parsed.body;
    });
    expect(bodies).toEqual([
      { checkId: "bavu-present", itemId: "bavu", result: "pass", technician: "t-042" },
      { checkId: "cabin-clean", itemId: "cabin-clean", result: "pass", technician: "t-042" },
      {
        checkId: "fuel",
        itemId: "fuel",
        result: "fail",
        technician: "t-042",
        notes: "réservoir à moitié, station fermée",
      },
    ]);
    expect(checks.history()).toEqual([run]);
  });

  it("names every missing, unknown, repeated or unexplained item, before trying the PIN", async () => {
    const checks = service();
    await checks.enrol({ technicianId: "t-042", displayName: "Marc Dubois", pin: "4829" });
    const error = await refusal(
      checks.sign({
        technicianId: "t-042",
        pin: "0000",
        schedule: "shiftStart",
        results: [
          { checkId: "bavu-present", result: "fail", notes: "   " },
          { checkId: "bavu-function", result: "pass" },
          { checkId: "fuel", result: "pass" },
          { checkId: "fuel", result: "pass" },
        ],
      }),
    );
    expect(error.code).toBe("invalid_run");
    expect(error.message).toBe(
      "Contrôle refusé : points non renseignés : cabin-clean (Habitacle propre) ; " +
        "points absents de la liste prise de poste : bavu-function ; " +
        "points renseignés plusieurs fois : fuel ; " +
        "un point non conforme demande une remarque : bavu-present",
    );
    expect(error.text.en).toContain("items not answered: cabin-clean (Habitacle propre (en))");
    // The wrong PIN was never tried: no attempt counted.
    expect(store.technician("t-042")?.failedAttempts).toBe(0);
    expect(outbox.pendingCount()).toBe(0);
  });

  it("says so for an unknown technician", async () => {
    const error = await refusal(
      service().sign({ technicianId: "t-999", pin: "1234", schedule: "shiftStart", results: allPass }),
    );
    expect(error.message).toBe("Technicien inconnu : t-999");
  });

  it("rolls the whole run back when queuing one of its events fails (nothing half-done)", async () => {
    let calls = 0;
    const failing: Outbox = {
      enqueue: (...args) => {
        if (++calls === 3) throw new Error("disk full");
        return outbox.enqueue(...args);
      },
      pending: (...args) => outbox.pending(...args),
      pendingCount: () => outbox.pendingCount(),
      markPublished: (...args) => outbox.markPublished(...args),
    };
    const checks = service({ outbox: failing });
    await checks.enrol({ technicianId: "t-042", displayName: "Marc Dubois", pin: "4829" });
    await expect(
      checks.sign({ technicianId: "t-042", pin: "4829", schedule: "shiftStart", results: allPass }),
    ).rejects.toThrow("disk full");
    expect(calls).toBe(3);
    expect(outbox.pendingCount()).toBe(0);
    expect(outbox.lastSeq()).toBe(0);
    expect(checks.history()).toEqual([]);
    expect(db.prepare("SELECT COUNT(*) FROM check_results").pluck().get()).toBe(0);
    expect(checks.latestByCheck()).toEqual({});
  });

  it("re-hashes a PIN made with weaker scrypt parameters at the next good PIN", async () => {
    await service({ pins: new ScryptPinHasher({ N: 512 }) }).enrol({
      technicianId: "t-042",
      displayName: "Marc Dubois",
      pin: "4829",
    });
    const before = store.technician("t-042")?.pin;
    const checks = service({ pins: new ScryptPinHasher({ N: 1024 }) });
    await checks.sign({ technicianId: "t-042", pin: "4829", schedule: "shiftStart", results: allPass });
    const after = store.technician("t-042")?.pin;
    expect(before?.params.N).toBe(512);
    expect(after?.params.N).toBe(1024);
    expect(Buffer.from(after?.salt ?? []).equals(Buffer.from(before?.salt ?? []))).toBe(false);
    await checks.sign({ technicianId: "t-042", pin: "4829", schedule: "shiftStart", results: allPass });
    expect(checks.history()).toHaveLength(2);
  });
});

describe("the check history", () => {
  it("gives the newest result of each check, the last signed even if the clock went back", async () => {
    const checks = service();
    await checks.enrol({ technicianId: "t-042", displayName: "Marc Dubois", pin: "4829" });
    const sign = (
      schedule: "shiftStart" | "weekly",
      results: typeof allPass | Array<Record<string, string>>,
    ) => checks.sign({ technicianId: "t-042", pin: "4829", schedule, results: results as typeof allPass });
    now = t0;
    await sign("shiftStart", allPass);
    now = t0 + 3_600_000;
    await sign("weekly", [{ checkId: "bavu-function", result: "pass" }]);
    now = t0 - 86_400_000; // the clock was corrected backwards
    await sign("shiftStart", [
      { checkId: "bavu-present", result: "fail", notes: "valve fendue" },
      ...allPass.slice(1),
    ]);
    expect(checks.latestByCheck()).toEqual({
      "bavu-present": { at: t0 - 86_400_000, result: "fail" },
      "cabin-clean": { at: t0 - 86_400_000, result: "pass" },
      fuel: { at: t0 - 86_400_000, result: "pass" },
      "bavu-function": { at: t0 + 3_600_000, result: "pass" },
    });
  });

  it("exports the runs signed in [from, to), oldest first", async () => {
    const checks = service();
    await checks.enrol({ technicianId: "t-042", displayName: "Marc Dubois", pin: "4829" });
    for (const hour of [0, 1, 2]) {
      now = t0 + hour * 3_600_000;
      await checks.sign({ technicianId: "t-042", pin: "4829", schedule: "shiftStart", results: allPass });
    }
    const at = (runs: ReturnType<typeof checks.history>) =>
      runs.map((run) => (run.signedAt - t0) / 3_600_000);
    expect(at(checks.history())).toEqual([0, 1, 2]);
    expect(at(checks.history({ from: t0 + 3_600_000 }))).toEqual([1, 2]);
    expect(at(checks.history({ to: t0 + 3_600_000 }))).toEqual([0]);
    expect(at(checks.history({ from: t0 + 1, to: t0 + 2 * 3_600_000 + 1 }))).toEqual([1, 2]);
    expect(checks.history({ from: t0 })[0]?.results).toHaveLength(3);
  });
});
