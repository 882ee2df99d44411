/** The positions table on real SQLite files, including a process killed with SIGKILL mid-write. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import type { Fix } from "../../../src/domain/gnss/fix.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";
import { TrackRepository } from "../../../src/store/track-repository.ts";

const root = resolve(import.meta.dirname, "../../..");
const logger = createLogger({ name: "test", level: "silent" });
const t0 = Date.parse("2026-11-23T21:00:00.000Z");
const day = 86_400_000;

let dir: string;
let db: Database.Database;
let track: TrackRepository;

function fixAt(ms: number, extra: Partial<Fix> = {}): Fix {
  return { fixTime: new Date(ms).toISOString(), lat: 44.8378, lon: -0.5792, fix: "3d", ...extra };
}

function reopen(): void {
  db?.close();
  db = openDatabase({
    path: join(dir, "track.db"),
    synchronous: "FULL",
    logger,
    migrations: trackMigrations,
  }).db;
  track = new TrackRepository(db);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-track-"));
  reopen();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("TrackRepository", () => {
  it("appends a batch and returns the newest position with its receive time", () => {
    track.append(
      [0, 1, 2].map((i) => ({ fix: fixAt(t0 + i * 1000, { sats: 8 + i }), receivedAt: t0 + i * 1000 + 350 })),
    );
    expect(track.count()).toBe(3);
    expect(track.latest()).toEqual({
      id: 3,
      fix: fixAt(t0 + 2000, { sats: 10 }),
      receivedAt: t0 + 2350,
      sent: false,
    });
  });

  it("reports an empty track as null, not as a position at 0,0", () => {
    expect(track.latest()).toBeNull();
    expect(track.count()).toBe(0);
    expect(track.unsent(500)).toEqual([]);
  });

  it("keeps absent fields absent and a real 0 as 0", () => {
    const full: Fix = {
      fixTime: "2026-11-23T21:00:00.250Z",
      lat: -33.5,
      lon: 151.25,
      alt: 12.5,
      speed: 0,
      heading: 0,
      fix: "dgps",
      sats: 0,
      hdop: 0.8,
    };
    const bare: Fix = { fixTime: "2026-11-23T21:00:01.000Z", lat: 44.8, lon: -0.6, fix: "2d" };
    track.append([
      { fix: full, receivedAt: t0 },
      { fix: bare, receivedAt: t0 + 1 },
      { fix: { ...bare, alt: Number.NaN, speed: -0 }, receivedAt: t0 + 2 },
    ]);
    const [a, b, c] = track.unsent(10);
    expect(a?.fix).toStrictEqual(full);
    expect(b?.fix).toStrictEqual(bare);
    expect(Object.keys(b?.fix ?? {})).toEqual(["fixTime", "lat", "lon", "fix"]);
    // NaN is not a measurement: stored NULL. -0 becomes 0, never -0.
    expect(c?.fix).toStrictEqual({ ...bare, speed: 0 });
    expect(Object.is(c?.fix.speed, -0)).toBe(false);
    expect(db.prepare("SELECT alt, speed, heading, sats, hdop FROM positions WHERE id = 2").get()).toEqual({
      alt: null,
      speed: null,
      heading: null,
      sats: null,
      hdop: null,
    });
  });

  it("stores all of a batch or none of it", () => {
    track.append([{ fix: fixAt(t0), receivedAt: t0 }]);
    expect(() =>
      track.append([
        { fix: fixAt(t0 + 1000), receivedAt: t0 },
        { fix: fixAt(t0 + 2000, { lat: 91 }), receivedAt: t0 },
      ]),
    ).toThrow(/CHECK constraint/);
    expect(() => track.append([{ fix: fixAt(t0, { fixTime: "soon" }), receivedAt: t0 }])).toThrow(
      'track entry 0: fixTime "soon" is not a date',
    );
    expect(track.count()).toBe(1);
  });

  it("hands out unsent positions oldest first, in batches, and never twice once marked", () => {
    track.append(
      Array.from({ length: 1200 }, (_, i) => ({ fix: fixAt(t0 + i * 1000), receivedAt: t0 + i * 1000 })),
    );
    const sentIds: number[] = [];
    for (;;) {
      const batch = track.unsent(500);
      if (batch.length === 0) break;
      expect(batch.length).toBeLessThanOrEqual(500);
      expect(batch.map((p) => p.id)).toEqual([...batch.map((p) => p.id)].sort((x, y) => x - y));
      expect(track.markSent(batch.map((p) => p.id))).toBe(batch.length);
      sentIds.push(...batch.map((p) => p.id));
    }
    expect(sentIds).toHaveLength(1200);
    expect(new Set(sentIds).size).toBe(1200);
    expect(track.markSent(sentIds.slice(0, 10))).toBe(0);
    expect(track.unsentCount()).toBe(0);
  });

  it("resumes the backfill after a restart where it stopped", () => {
    track.append(Array.from({ length: 20 }, (_, i) => ({ fix: fixAt(t0 + i * 1000), receivedAt: t0 })));
    track.markSent(track.unsent(8).map((p) => p.id));
    reopen();
    expect(track.unsentCount()).toBe(12);
    expect(track.unsent(500)[0]?.id).toBe(9);
  });

  it("prunes old sent points but keeps unsent ones whatever their age, and the newest point", () => {
    // 10 points, one per day; the first 6 were sent.
    track.append(
      Array.from({ length: 10 }, (_, i) => ({ fix: fixAt(t0 + i * day), receivedAt: t0 + i * day })),
    );
    track.markSent([1, 2, 3, 4, 5, 6]);
    // Cut-off after day 8: points 1-6 are sent and old, 7-8 old but unsent.
    expect(track.pruneOlderThan(t0 + 8 * day)).toBe(6);
    expect(track.unsent(500).map((p) => p.id)).toEqual([7, 8, 9, 10]);
    track.markSent([7, 8, 9, 10]);
    // Everything is old now, but the last known position stays.
    expect(track.pruneOlderThan(t0 + 100 * day)).toBe(3);
    expect(track.latest()?.id).toBe(10);
    track.append([{ fix: fixAt(t0 + 101 * day), receivedAt: t0 }]);
    // Ids are never reused after pruning, so an id always means the same point.
    expect(track.latest()?.id).toBe(11);
  });

  it("prunes by GNSS time, not by the receive time of a car whose clock was wrong", () => {
    track.append([
      { fix: fixAt(t0), receivedAt: 0 },
      { fix: fixAt(t0 + 1000), receivedAt: 0 },
    ]);
    track.markSent([1, 2]);
    expect(track.pruneOlderThan(t0 - day)).toBe(0);
  });

  it("pages through the whole track by id, sent points included, and skips pruned ids", () => {
    track.append(Array.from({ length: 7 }, (_, i) => ({ fix: fixAt(t0 + i * day), receivedAt: t0 })));
    track.markSent([1, 2, 3]);
    expect(track.pruneOlderThan(t0 + 2 * day)).toBe(2);
    const pages: number[][] = [];
    for (let from = 0; ; ) {
      const page = track.range(from, 2);
      if (page.length === 0) break;
      pages.push(page.map((p) => p.id));
      from = (page.at(-1)?.id ?? from) + 1;
    }
    expect(pages).toEqual([[3, 4], [5, 6], [7]]);
    expect(track.range(4, 1)[0]).toEqual({ id: 4, fix: fixAt(t0 + 3 * day), receivedAt: t0, sent: false });
    expect(track.range(3, 1)[0]?.sent).toBe(true);
  });

  it("rejects a limit that is not a positive integer", () => {
    expect(() => track.unsent(0)).toThrow(RangeError);
    expect(() => track.range(1, 1.5)).toThrow(RangeError);
  });
});

describe("TrackRepository across kill -9", () => {
  const batchSize = 50;

  /** Runs the writer until it has committed at least `minBatches` more, then SIGKILLs it. */
  function runAndKill(path: string, minBatches: number): Promise<{ lastReported: number; reported: number }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "test/support/track-writer.ts", path, String(batchSize)],
        {
          cwd: root,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let buffer = "";
      let stderr = "";
      let reported = 0;
      let lastReported = -1;
      let killing = false;
      child.stderr.on("data", (chunk) => {
        stderr += String(chunk);
      });
      child.stdout.on("data", (chunk) => {
        buffer += String(chunk);
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) {
          lastReported = Number(line);
          reported++;
        }
        if (reported >= minBatches && !killing) {
          killing = true;
          // A varying delay lands the kill at different points of the append loop.
          setTimeout(() => child.kill("SIGKILL"), Math.floor(Math.random() * 20));
        }
      });
      child.on("exit", (code, signal) => {
        if (signal === "SIGKILL") resolvePromise({ lastReported, reported });
        else reject(new Error(`writer exited with ${code}: ${stderr}`));
      });
    });
  }

  it("keeps every committed batch whole after the writer is killed mid-loop", async () => {
    const path = join(dir, "crash.db");
    db.close();
    let lastReported = -1;
    for (let round = 0; round < 3; round++) {
      const run = await runAndKill(path, 30);
      lastReported = run.lastReported;
      const opened = openDatabase({ path, synchronous: "FULL", logger, migrations: trackMigrations });
      db = opened.db;
      expect(opened.recoveredFromCorruption).toBe(false);
      const sizes = db
        .prepare(
          "SELECT received_at AS batch, COUNT(*) AS n FROM positions GROUP BY received_at ORDER BY batch",
        )
        .all() as Array<{ batch: number; n: number }>;
      // No torn batch: each is all there or absent, and batches are contiguous from 0.
      expect(sizes.every((row) => row.n === batchSize)).toBe(true);
      expect(sizes.map((row) => row.batch)).toEqual(sizes.map((_, i) => i));
      // Every batch the writer reported as committed survived; at most one more committed unreported.
      const stored = sizes.length - 1;
      expect(stored).toBeGreaterThanOrEqual(lastReported);
      expect(stored).toBeLessThanOrEqual(lastReported + 1);
      db.close();
    }
    reopen();
  });
});
