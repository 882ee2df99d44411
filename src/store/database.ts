/**
 * Opens one SQLite file the way every store in the core needs it:
 *   - `journal_mode=WAL`: readers (the UI API) never block the writer (the track, the outbox);
 *   - `synchronous` set explicitly at every open: reopening a WAL database silently gives NORMAL, a
 *     compile-time default (PITFALLS.md, better-sqlite3). FULL is for files whose commits must
 *     survive a power cut (outbox, missions, track); NORMAL may lose the last commits on power loss;
 *   - `foreign_keys=ON` (off by default in SQLite, per connection) and a `busy_timeout`;
 *   - `PRAGMA quick_check`: a car loses power mid-write, SD cards and cheap SSDs corrupt pages. A
 *     terminal that cannot open its database cannot report positions or statuses, so a corrupt file
 *     (or something that is not a database) is moved aside to `<name>.corrupt-<timestamp>`, with its
 *     -wal and -shm, for a technician to recover from, and the core starts on an empty one. Only
 *     corruption does that: a locked, unreadable or read-only file is an error, and is left in place.
 *   - then the migrations (src/store/migrations.ts).
 */
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Logger } from "../services/ports.ts";
import { type Migration, type MigrationResult, runMigrations } from "./migrations.ts";

export type SynchronousMode = "FULL" | "NORMAL";

export interface OpenDatabaseOptions {
  /** File path; its folder is created. `:memory:` is accepted for tests (no WAL, no recovery). */
  path: string;
  synchronous: SynchronousMode;
  logger: Logger;
  migrations: readonly Migration[];
  /** How long a statement waits for another connection's lock (default 5 s). */
  busyTimeoutMs?: number;
  /** Wall clock for the corrupt copy's name (default `Date.now`). */
  now?: () => number;
  /**
   * Called when the file cannot be opened for lack of disk space (SQLite must create its -shm and
   * -wal); returns true when it freed some (space-reserve.ts), and the open is tried once more.
   */
  onNoSpace?: () => boolean;
}

export interface OpenedDatabase {
  db: Database.Database;
  /** True when the file was corrupt or not a database, was moved aside, and `db` is a new one. */
  recoveredFromCorruption: boolean;
  /** Where the corrupt file went (its -wal and -shm, if any, sit next to it with those suffixes). */
  corruptCopyPath?: string;
  migrations: MigrationResult;
}

/** SQLite result codes that mean "the bytes are wrong", as opposed to "cannot access them now". */
const corruptionCodes = new Set([
  "SQLITE_CORRUPT",
  "SQLITE_NOTADB",
  "SQLITE_CORRUPT_INDEX",
  "SQLITE_CORRUPT_VTAB",
]);

class CorruptDatabaseError extends Error {
  override name = "CorruptDatabaseError";
}

function isCorruption(error: unknown): boolean {
  if (error instanceof CorruptDatabaseError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (corruptionCodes.has(code) || code.startsWith("SQLITE_CORRUPT"));
}

/**
 * "No room to write": SQLITE_FULL, or an I/O error while SQLite sizes its files (a full disk when
 * creating the -shm gives SQLITE_IOERR_SHMSIZE). A failing card gives I/O errors too; freeing
 * space for it and trying once more costs nothing.
 */
function isNoSpace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR"));
}

const sidecars = ["-wal", "-shm"] as const;

/** `20261123T210405123Z`: sortable, and valid in every file system's names (no colons). */
function stamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:.]/g, "");
}

function moveAside(path: string, epochMs: number): string {
  let copy = `${path}.corrupt-${stamp(epochMs)}`;
  // Two recoveries in the same millisecond (a boot loop) must not overwrite the first copy.
  for (let n = 2; existsSync(copy); n++) copy = `${path}.corrupt-${stamp(epochMs)}-${n}`;
  // Sidecars first: a fresh database must never pick up the old file's WAL.
  for (const suffix of sidecars) if (existsSync(path + suffix)) renameSync(path + suffix, copy + suffix);
  renameSync(path, copy);
  return copy;
}

/** Applies the per-connection settings and checks the file; throws CorruptDatabaseError if damaged. */
function configure(db: Database.Database, options: OpenDatabaseOptions, inMemory: boolean): void {
  const journal = db.pragma("journal_mode = WAL", { simple: true });
  if (!inMemory && journal !== "wal")
    throw new Error(`could not switch ${options.path} to WAL (journal_mode is ${String(journal)})`);
  db.pragma(`synchronous = ${options.synchronous}`);
  db.pragma("foreign_keys = ON");
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  const problems = db.pragma("quick_check", { simple: false }) as Array<{ quick_check: string }>;
  const messages = problems.map((row) => row.quick_check);
  if (messages.length !== 1 || messages[0] !== "ok")
    throw new CorruptDatabaseError(`quick_check failed: ${messages.slice(0, 5).join("; ")}`);
}

/** Opens and configures; on failure the connection is returned still open, for `moveAside` to run first. */
function tryOpen(
  options: OpenDatabaseOptions,
  inMemory: boolean,
): { db: Database.Database } | { error: unknown; failed: Database.Database | null } {
  let db: Database.Database;
  try {
    db = new Database(options.path);
  } catch (error) {
    return { error, failed: null };
  }
  try {
    configure(db, options, inMemory);
    return { db };
  } catch (error) {
    return { error, failed: db };
  }
}

export function openDatabase(options: OpenDatabaseOptions): OpenedDatabase {
  const inMemory = options.path === ":memory:";
  if (!inMemory) mkdirSync(dirname(options.path), { recursive: true });

  let corruptCopyPath: string | undefined;
  let attempt = tryOpen(options, inMemory);
  if ("error" in attempt && !inMemory && isCorruption(attempt.error)) {
    // Move the files while the failed connection is still open: closing it first lets SQLite delete
    // the -wal and -shm (seen with better-sqlite3 12), which are part of what a technician recovers.
    // The open descriptors follow the renamed files, and SQLite's clean-up by name then finds nothing.
    corruptCopyPath = moveAside(options.path, (options.now ?? Date.now)());
    attempt.failed?.close();
    options.logger.error(
      { err: attempt.error, path: options.path, corruptCopyPath },
      `database ${options.path} is corrupt or not a SQLite file: moved it to ${corruptCopyPath} ` +
        "and started an empty one (stored data is in the copy, for a technician to recover)",
    );
    attempt = tryOpen(options, inMemory);
  }
  if ("error" in attempt && !inMemory && isNoSpace(attempt.error) && options.onNoSpace) {
    attempt.failed?.close();
    const { error } = attempt;
    attempt = { error, failed: null };
    if (options.onNoSpace()) {
      options.logger.warn(
        { err: error, path: options.path },
        "no disk space to open the database: freed some, trying again",
      );
      attempt = tryOpen(options, inMemory);
    }
  }
  if ("error" in attempt) {
    attempt.failed?.close();
    throw attempt.error;
  }
  const { db } = attempt;

  try {
    const migrations = runMigrations(db, options.migrations, options.logger);
    return {
      db,
      recoveredFromCorruption: corruptCopyPath !== undefined,
      ...(corruptCopyPath !== undefined ? { corruptCopyPath } : {}),
      migrations,
    };
  } catch (error) {
    // A failed migration is a bug or a downgrade, not corruption: keep the file as it is.
    db.close();
    throw error;
  }
}
