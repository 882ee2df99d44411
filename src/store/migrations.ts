/**
 * Ordered schema migrations on `PRAGMA user_version`.
 *
 * Each table group declares its migrations in its own file (`track-migrations.ts`, later the outbox,
 * missions, ...), and the composition root passes them all to `openDatabase`. `user_version` is one
 * number for the whole file, so versions are global: a new migration takes the next free number
 * across every group, never a number inside a "range" of its group (a lower number added later would
 * never run on a car that already has a higher version). `collectMigrations` refuses duplicates and
 * gaps, so that two features that took the same number, or a group that was not registered, fail in
 * the tests rather than in a car.
 *
 * Each migration and its version bump run in one transaction (`user_version` lives in the database
 * header, which SQLite writes transactionally): a power cut leaves either the old schema or the new.
 */
import type { Database } from "better-sqlite3";
import type { Logger } from "../services/ports.ts";

export interface Migration {
  /** Global, 1-based, contiguous across all table groups. */
  version: number;
  /** What it does, for the log: "positions table". */
  name: string;
  up(db: Database): void;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Merges the groups' migrations into one ordered list, checking that versions are 1..n exactly. */
export function collectMigrations(...groups: ReadonlyArray<readonly Migration[]>): Migration[] {
  const all = groups.flat().sort((a, b) => a.version - b.version);
  all.forEach((migration, index) => {
    if (!Number.isInteger(migration.version) || migration.version < 1)
      throw new MigrationError(`migration "${migration.name}": version must be a positive integer`);
    const previous = all[index - 1];
    if (previous !== undefined && previous.version === migration.version)
      throw new MigrationError(
        `migrations "${previous.name}" and "${migration.name}" both use version ${migration.version}`,
      );
    if (migration.version !== index + 1)
      throw new MigrationError(`migration version ${index + 1} is missing (next is "${migration.name}")`);
  });
  return all;
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

export function schemaVersion(db: Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/** Applies the migrations above the database's version, in order. Running it again does nothing. */
export function runMigrations(
  db: Database,
  migrations: readonly Migration[],
  logger: Logger,
): MigrationResult {
  const ordered = collectMigrations(migrations);
  const from = schemaVersion(db);
  const latest = ordered.length;
  if (from > latest)
    // An older build on a newer database would write rows the newer schema does not expect.
    throw new MigrationError(
      `database schema version ${from} is newer than this software (it knows up to ${latest}); refusing to open`,
    );
  const applied: string[] = [];
  for (const migration of ordered) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.name);
    logger.info({ version: migration.version, migration: migration.name }, "database migration applied");
  }
  return { from, to: schemaVersion(db), applied };
}
