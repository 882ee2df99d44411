/**
 * The PIN lockout of technician checks: counted attempts, the lock and its end, with a fake clock.
 * Real SQLite (in memory) and real scrypt at a low cost.
 */
import type Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { vehicleProfileSchema } from "../../../src/contracts/vehicle-profile.ts";
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
/** 08:30 in Paris (UTC+1 in November). */
const t0 = Date.parse("2026-11-23T07:30:00.000Z");
const minute = 60_000;
const profile = vehicleProfileSchema.parse({
  id: "bdx-07",
  label: "BDX-07",
  vehicle: { make: "Peugeot", model: "2008" },
  equipment: [],
  checks: { shiftStart: { items: [{ id: "fuel", label: { fr: "Plein fait", en: "Tank full" } }] } },
});
const results = [{ checkId: "fuel", result: "pass" as const }];

let db: Database.Database;
let now: number;
let outbox: SqliteOutbox;
let store: SqliteCheckRepository;

function service(options: { maxAttempts?: number; lockMs?: number; pins?: ScryptPinHasher } = {}) {
  return new TechnicianChecks({
    checklists: profile.checks,
    vehicle: "BDX-07",
    store,
    outbox,
    unitOfWork: outbox,
    pins: new ScryptPinHasher({ N: 1024 }),
    clock: { now: () => now, monotonic: () => now },
    logger,
    timeZone: "Europe/Paris",
    ...options,
  });
}

beforeEach(async () => {
  now = t0;
  db = openDatabase({
    path: ":memory:",
    synchronous: "FULL",
    logger,
    migrations: [...trackMigrations, ...outboxMigrations, ...inboxMigrations, ...checkMigrations],
  }).db;
  outbox = new SqliteOutbox({ db, vehicle: "BDX-07" });
  store = new SqliteCheckRepository(db);
  await service().enrol({ technicianId: "t-042", displayName: "Marc Dubois", pin: "4829" });
});
afterEach(() => db.close());

/** The refusal of one signature with `pin`, or null when it was signed. */
async function attempt(checks: TechnicianChecks, pin: string): Promise<CheckError | null> {
  try {
    await checks.sign({ technicianId: "t-042", pin, schedule: "shiftStart", results });
    return null;
  } catch (error) {
    if (error instanceof CheckError) return error;
    throw error;
  }
}

describe("PIN lockout", () => {
  it("counts down wrong PINs and changes nothing else", async () => {
    const checks = service();
    const messages: string[] = [];
    for (let n = 0; n < 4; n++) messages.push((await attempt(checks, "1111"))?.message ?? "signed");
    expect(messages).toEqual([
      "PIN incorrect (4 essais restants)",
      "PIN incorrect (3 essais restants)",
      "PIN incorrect (2 essais restants)",
      "PIN incorrect (1 essai restant)",
    ]);
    expect(store.technician("t-042")).toMatchObject({ failedAttempts: 4, lockedUntil: null });
    expect(checks.history()).toEqual([]);
    expect(outbox.pendingCount()).toBe(0);
    expect(outbox.lastSeq()).toBe(0);
  });

  it("locks for 15 minutes after the 5th wrong PIN, even against the right one, then lets in", async () => {
    const checks = service();
    for (let n = 0; n < 4; n++) await attempt(checks, "1111");
    now = t0 + 20_000;
    const fifth = await attempt(checks, "1111");
    expect(fifth?.code).toBe("locked");
    // 08:30:20 + 15 min = 08:45:20, shown rounded up: the lock is surely over at 08:46.
    expect(fifth?.message).toBe("PIN incorrect : trop d'essais, verrouillé jusqu'à 08:46");
    expect(fifth?.text.en).toBe("Wrong PIN: too many attempts, locked until 08:46");
    expect(fifth?.lockedUntil).toBe(t0 + 20_000 + 15 * minute);

    now = t0 + 14 * minute;
    const locked = await attempt(checks, "4829");
    expect(locked?.message).toBe("Trop d'essais de PIN incorrects : verrouillé jusqu'à 08:46");
    expect(checks.history()).toEqual([]);
    expect(store.technician("t-042")?.failedAttempts).toBe(5);

    now = t0 + 20_000 + 15 * minute;
    expect(await attempt(checks, "4829")).toBeNull();
    expect(store.technician("t-042")).toMatchObject({ failedAttempts: 0, lockedUntil: null });
    expect(checks.history()).toHaveLength(1);
  });

  it("starts a fresh series of attempts when a lockout has ended", async () => {
    const checks = service();
    for (let n = 0; n < 5; n++) await attempt(checks, "1111");
    now = t0 + 16 * minute;
    expect((await attempt(checks, "1111"))?.message).toBe("PIN incorrect (4 essais restants)");
  });

  it("forgets earlier wrong PINs after a good one", async () => {
    const checks = service();
    for (let n = 0; n < 4; n++) await attempt(checks, "1111");
    expect(await attempt(checks, "4829")).toBeNull();
    for (let n = 0; n < 4; n++) expect((await attempt(checks, "1111"))?.code).toBe("pin_incorrect");
    expect((await attempt(checks, "1111"))?.code).toBe("locked");
  });

  it("takes the number of attempts and the lock duration from its options", async () => {
    const checks = service({ maxAttempts: 2, lockMs: 60 * minute });
    expect((await attempt(checks, "1111"))?.message).toBe("PIN incorrect (1 essai restant)");
    const locked = await attempt(checks, "1111");
    expect(locked?.message).toBe("PIN incorrect : trop d'essais, verrouillé jusqu'à 09:30");
    now = t0 + 59 * minute;
    expect((await attempt(checks, "4829"))?.code).toBe("locked");
    now = t0 + 60 * minute;
    expect(await attempt(checks, "4829")).toBeNull();
  });

  it("does not let parallel guesses past the limit", async () => {
    const pins = new ScryptPinHasher({ N: 1024 });
    let compared = 0;
    const counting = Object.assign(Object.create(pins) as ScryptPinHasher, {
      verify: (pin: string, stored: Parameters<ScryptPinHasher["verify"]>[1]) => {
        compared++;
        return pins.verify(pin, stored);
      },
    });
    const checks = service({ pins: counting });
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => attempt(checks, "1111")));
    expect(compared).toBe(5);
    expect(outcomes.map((outcome) => outcome?.code)).toEqual(Array(12).fill("locked"));
    expect(store.technician("t-042")?.lockedUntil).toBe(t0 + 15 * minute);
  });

  it("never locks for longer than one lockout when the clock is corrected backwards", async () => {
    const checks = service();
    for (let n = 0; n < 5; n++) await attempt(checks, "1111");
    now = t0 - 24 * 60 * minute; // the RTC was a day ahead
    expect((await attempt(checks, "4829"))?.lockedUntil).toBe(now + 15 * minute);
    now += 15 * minute;
    expect(await attempt(checks, "4829")).toBeNull();
  });

  it("refuses a malformed PIN without counting it", async () => {
    const checks = service();
    expect((await attempt(checks, "12"))?.message).toBe("Le PIN doit comporter de 4 à 8 chiffres");
    expect(store.technician("t-042")?.failedAttempts).toBe(0);
  });
});
