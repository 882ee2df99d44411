/** Real SQLite files in a temp folder: what the car's disk will see. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { collectMigrations, type Migration, MigrationError } from "../../../src/store/migrations.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";
import { TrackRepository } from "../../../src/store/track-repository.ts";

let dir: string;
let logLines: Array<{ level: number; msg: string }>;
let open: Database.Database[];

function logger() {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  return createLogger({ name: "test", level: "info", destination: stream });
}

function openAt(
  path: string,
  synchronous: "FULL" | "NORMAL" = "FULL",
  migrations: readonly Migration[] = trackMigrations,
) {
  const opened = openDatabase({
    path,
    synchronous,
    logger: logger(),
    migrations,
    now: () => Date.parse("2026-11-23T21:04:05.123Z"),
  });
  open.push(opened.db);
  return opened;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-db-"));
  logLines = [];
  open = [];
});
afterEach(() => {
  for (const db of open) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("openDatabase", () => {
  it("creates its folder and opens in WAL with foreign keys and a busy timeout", () => {
    const { db, recoveredFromCorruption } = openAt(join(dir, "nested/deeper/core.db"));
    expect(recoveredFromCorruption).toBe(false);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("keeps synchronous=FULL after a reopen, where plain better-sqlite3 falls back to NORMAL", () => {
    const path = join(dir, "core.db");
    openAt(path).db.close();
    const plain = new Database(path);
    open.push(plain);
    // The pitfall itself (PITFALLS.md): 1 = NORMAL on a reopened WAL database.
    expect(plain.pragma("synchronous", { simple: true })).toBe(1);
    plain.close();
    expect(openAt(path, "FULL").db.pragma("synchronous", { simple: true })).toBe(2);
  });

  it("sets NORMAL when asked, for files that may lose their last commits on power loss", () => {
    expect(openAt(join(dir, "cache.db"), "NORMAL").db.pragma("synchronous", { simple: true })).toBe(1);
  });

  it("runs the migrations once: reopening applies nothing and keeps the data", () => {
    const path = join(dir, "core.db");
    const first = openAt(path);
    expect(first.migrations).toEqual({ from: 0, to: 1, applied: ["positions table"] });
    new TrackRepository(first.db).append([
      { fix: { fixTime: "2026-11-23T21:00:00.000Z", lat: 44.8, lon: -0.6, fix: "3d" }, receivedAt: 1 },
    ]);
    first.db.close();
    const second = openAt(path);
    expect(second.migrations).toEqual({ from: 1, to: 1, applied: [] });
    expect(new TrackRepository(second.db).count()).toBe(1);
  });

  it("rolls a failing migration back whole and leaves the file in place", () => {
    const path = join(dir, "core.db");
    openAt(path).db.close();
    const failing: Migration = {
      version: 2,
      name: "half-done",
      up(db) {
        db.exec("CREATE TABLE outbox (id INTEGER PRIMARY KEY)");
        throw new Error("boom");
      },
    };
    expect(() => openAt(path, "FULL", [...trackMigrations, failing])).toThrow("boom");
    const { db, recoveredFromCorruption } = openAt(path);
    expect(recoveredFromCorruption).toBe(false);
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'outbox'").get()).toBeUndefined();
  });

  it("refuses a database written by a newer version of the software", () => {
    const path = join(dir, "core.db");
    const { db } = openAt(path);
    db.pragma("user_version = 7");
    db.close();
    expect(() => openAt(path)).toThrow(/schema version 7 is newer than this software \(it knows up to 1\)/);
    expect(existsSync(path)).toBe(true);
  });

  it("moves a file of garbage bytes aside with its -wal and -shm, and starts fresh", () => {
    const path = join(dir, "core.db");
    const garbage = Buffer.from(Array.from({ length: 3 * 4096 }, (_, i) => (i * 7919) % 251));
    writeFileSync(path, garbage);
    writeFileSync(`${path}-wal`, "stale wal");
    writeFileSync(`${path}-shm`, "stale shm");

    const opened = openAt(path);
    const copy = `${path}.corrupt-20261123T210405123Z`;
    expect(opened.recoveredFromCorruption).toBe(true);
    expect(opened.corruptCopyPath).toBe(copy);
    expect(readFileSync(copy)).toEqual(garbage);
    expect(readFileSync(`${copy}-wal`, "utf8")).toBe("stale wal");
    // The -shm is only an index that SQLite rewrites at open and rebuilds from the WAL: moved, not kept byte for byte.
    expect(existsSync(`${copy}-shm`)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(true); // the fresh database's own
    expect(new TrackRepository(opened.db).count()).toBe(0);
    const error = logLines.find((line) => line.level === 50);
    expect(error?.msg).toContain(`is corrupt or not a SQLite file: moved it to ${copy}`);
  });

  it("moves aside a real database truncated in the middle of a page", () => {
    const path = join(dir, "core.db");
    const { db } = openAt(path);
    const track = new TrackRepository(db);
    const start = Date.parse("2026-11-23T21:00:00.000Z");
    track.append(
      Array.from({ length: 5000 }, (_, i) => ({
        fix: {
          fixTime: new Date(start + i * 1000).toISOString(),
          lat: 44.8,
          lon: -0.6,
          fix: "3d" as const,
          hdop: 0.9,
        },
        receivedAt: start + i * 1000,
      })),
    );
    db.close(); // checkpoints the WAL into the main file
    const size = statSync(path).size;
    const cut = Math.floor(size / 4096 / 2) * 4096 + 1000; // mid-page, half-way through the file
    truncateSync(path, cut);
    const truncated = readFileSync(path);

    const opened = openAt(path);
    expect(opened.recoveredFromCorruption).toBe(true);
    expect(readFileSync(opened.corruptCopyPath ?? "")).toEqual(truncated);
    expect(new TrackRepository(opened.db).count()).toBe(0);
    expect(opened.db.pragma("quick_check", { simple: true })).toBe("ok");
  });

  it("does not move a second corrupt copy over the first", () => {
    const path = join(dir, "core.db");
    writeFileSync(path, "not a database, first");
    const first = openAt(path);
    first.db.close();
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    writeFileSync(path, "not a database, second");
    const second = openAt(path);
    expect(second.corruptCopyPath).not.toBe(first.corruptCopyPath);
    expect(readFileSync(first.corruptCopyPath ?? "", "utf8")).toBe("not a database, first");
    expect(readFileSync(second.corruptCopyPath ?? "", "utf8")).toBe("not a database, second");
  });

  it("leaves in place a path it cannot open, which is not corruption", () => {
    const path = join(dir, "is-a-folder.db");
    mkdirSync(path);
    expect(() => openAt(path)).toThrow();
    expect(statSync(path).isDirectory()).toBe(true);
    expect(existsSync(`${path}.corrupt-20261123T210405123Z`)).toBe(false);
  });
});

describe("collectMigrations", () => {
  const m = (version: number, name: string): Migration => ({ version, name, up() {} });

  it("orders the table groups' migrations by version", () => {
    expect(collectMigrations([m(2, "b")], [m(1, "a"), m(3, "c")]).map((x) => x.name)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("refuses two groups that took the same version", () => {
    expect(() => collectMigrations([m(1, "a")], [m(1, "outbox")])).toThrow(
      new MigrationError('migrations "a" and "outbox" both use version 1'),
    );
  });

  it("refuses a gap, such as a group that was not registered", () => {
    expect(() => collectMigrations([m(1, "a"), m(3, "c")])).toThrow(/version 2 is missing/);
  });
});
