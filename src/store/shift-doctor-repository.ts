/**
 * The doctors' roster and PINs in SQLite (`doctors`, `roster_settings`; shift-migrations.ts):
 * implements `DoctorStore`.
 */
import type { Database, Statement } from "better-sqlite3";
import type { LockoutState } from "../domain/lockout.ts";
import type { StoredPin } from "../services/check-ports.ts";
import type { DoctorRecord, DoctorSource, DoctorStore, RosterSettings } from "../services/shift-ports.ts";

interface DoctorRow {
  rpps: string;
  name: string;
  source: DoctorSource;
  in_roster: 0 | 1;
  pin_hash: Buffer | null;
  pin_salt: Buffer | null;
  scrypt_n: number | null;
  scrypt_r: number | null;
  scrypt_p: number | null;
  key_length: number | null;
  failed_attempts: number;
  locked_until: number | null;
  updated_at: number;
}

function pinOf(row: DoctorRow): StoredPin | null {
  if (row.pin_hash === null || row.pin_salt === null) return null;
  return {
    algorithm: "scrypt",
    hash: row.pin_hash,
    salt: row.pin_salt,
    params: {
      N: row.scrypt_n ?? 0,
      r: row.scrypt_r ?? 0,
      p: row.scrypt_p ?? 0,
      keyLength: row.key_length ?? row.pin_hash.length,
    },
  };
}

function toDoctor(row: DoctorRow): DoctorRecord {
  return {
    rpps: row.rpps,
    name: row.name,
    source: row.source,
    inRoster: row.in_roster === 1,
    pin: pinOf(row),
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until,
    updatedAt: row.updated_at,
  };
}

function pinColumns(pin: StoredPin | null) {
  return {
    pin_hash: pin === null ? null : Buffer.from(pin.hash),
    pin_salt: pin === null ? null : Buffer.from(pin.salt),
    scrypt_n: pin?.params.N ?? null,
    scrypt_r: pin?.params.r ?? null,
    scrypt_p: pin?.params.p ?? null,
    key_length: pin?.params.keyLength ?? null,
  };
}

export class SqliteDoctorStore implements DoctorStore {
  private readonly selectOne: Statement<[string], DoctorRow>;
  private readonly selectAll: Statement<[], DoctorRow>;
  private readonly upsert: Statement<Record<string, unknown>>;
  private readonly updateAttempts: Statement<[number, number | null, string]>;
  private readonly updatePin: Statement<Record<string, unknown>>;
  private readonly retire: Statement<[number, string]>;
  private readonly selectSettings: Statement<
    [],
    { allow_unknown: 0 | 1 | null; updated_at: number | null; source: "profile" | "roster" | null }
  >;
  private readonly updateSettings: Statement<[number | null, number | null, string | null]>;

  constructor(db: Database) {
    this.selectOne = db.prepare("SELECT * FROM doctors WHERE rpps = ?");
    this.selectAll = db.prepare("SELECT * FROM doctors ORDER BY in_roster DESC, name, rpps");
    this.upsert = db.prepare(`
      INSERT INTO doctors (rpps, name, source, in_roster, pin_hash, pin_salt, scrypt_n, scrypt_r, scrypt_p,
                           key_length, failed_attempts, locked_until, updated_at)
      VALUES (@rpps, @name, @source, @in_roster, @pin_hash, @pin_salt, @scrypt_n, @scrypt_r, @scrypt_p,
              @key_length, @failed_attempts, @locked_until, @updated_at)
      ON CONFLICT (rpps) DO UPDATE SET
        name = excluded.name, source = excluded.source, in_roster = excluded.in_roster,
        pin_hash = excluded.pin_hash, pin_salt = excluded.pin_salt, scrypt_n = excluded.scrypt_n,
        scrypt_r = excluded.scrypt_r, scrypt_p = excluded.scrypt_p, key_length = excluded.key_length,
        failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until,
        updated_at = excluded.updated_at`);
    this.updateAttempts = db.prepare(
      "UPDATE doctors SET failed_attempts = ?, locked_until = ? WHERE rpps = ?",
    );
    this.updatePin = db.prepare(`
      UPDATE doctors SET pin_hash = @pin_hash, pin_salt = @pin_salt, scrypt_n = @scrypt_n,
        scrypt_r = @scrypt_r, scrypt_p = @scrypt_p, key_length = @key_length, updated_at = @updated_at
      WHERE rpps = @rpps`);
    this.retire = db.prepare(`
      UPDATE doctors SET in_roster = 0, updated_at = ?
      WHERE in_roster = 1 AND rpps NOT IN (SELECT value FROM json_each(?))`);
    this.selectSettings = db.prepare(
      "SELECT allow_unknown, updated_at, source FROM roster_settings WHERE singleton = 1",
    );
    this.updateSettings = db.prepare(
      "UPDATE roster_settings SET allow_unknown = ?, updated_at = ?, source = ? WHERE singleton = 1",
    );
  }

  doctor(rpps: string): DoctorRecord | null {
    const row = this.selectOne.get(rpps);
    return row === undefined ? null : toDoctor(row);
  }

  doctors(): DoctorRecord[] {
    return this.selectAll.all().map(toDoctor);
  }

  upsertDoctor(doctor: DoctorRecord): void {
    this.upsert.run({
      rpps: doctor.rpps,
      name: doctor.name,
      source: doctor.source,
      in_roster: doctor.inRoster ? 1 : 0,
      ...pinColumns(doctor.pin),
      failed_attempts: doctor.failedAttempts,
      locked_until: doctor.lockedUntil,
      updated_at: Math.round(doctor.updatedAt),
    });
  }

  setAttempts(rpps: string, state: LockoutState): void {
    this.updateAttempts.run(state.failedAttempts, state.lockedUntil, rpps);
  }

  setPin(rpps: string, pin: StoredPin, at: number): void {
    this.updatePin.run({ rpps, ...pinColumns(pin), updated_at: Math.round(at) });
  }

  retireOthers(keep: readonly string[], at: number): number {
    return this.retire.run(Math.round(at), JSON.stringify(keep)).changes;
  }

  rosterSettings(): RosterSettings {
    const row = this.selectSettings.get();
    return {
      allowUnknown: row?.allow_unknown === null || row === undefined ? null : row.allow_unknown === 1,
      updatedAt: row?.updated_at ?? null,
      source: row?.source ?? null,
    };
  }

  saveRosterSettings(settings: RosterSettings): void {
    this.updateSettings.run(
      settings.allowUnknown === null ? null : settings.allowUnknown ? 1 : 0,
      settings.updatedAt,
      settings.source,
    );
  }
}
