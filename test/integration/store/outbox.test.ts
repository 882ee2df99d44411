/** The SQLite outbox and command dedupe on real files, including a writer killed with SIGKILL. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import { messageIdTime } from "../../../src/contracts/message-id.ts";
import { carMessageSchema } from "../../../src/contracts/messages.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { inboxMigrations } from "../../../src/store/inbox-migrations.ts";
import { SqliteInbox } from "../../../src/store/inbox-repository.ts";
import { outboxMigrations } from "../../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";

const root = resolve(import.meta.dirname, "../../..");
const logger = createLogger({ name: "test", level: "silent" });
const migrations = [...trackMigrations, ...outboxMigrations, ...inboxMigrations];
const t0 = Date.parse("2026-11-23T21:04:05.123Z");
const day = 86_400_000;
const status = { code: 3, key: "en_route", since: "2026-11-23T21:00:00.000Z" };
const alarm = { alarmId: "A-1", kind: "panic", state: "raised", lat: 44.8, lon: -0.58 };

let dir: string;
let db: Database.Database;
let outbox: SqliteOutbox;

function reopen(path = join(dir, "core.db")): void {
  db?.close();
  db = openDatabase({ path, synchronous: "FULL", logger, migrations }).db;
  outbox = new SqliteOutbox({ db, vehicle: "BDX-07", now: () => t0 + 30 * day });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-outbox-"));
  reopen();
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("SqliteOutbox", () => {
  it("wraps the body in a valid envelope with the route of its type", () => {
    const message = outbox.enqueue("status", { ...status, extra: "stripped" }, t0);
    expect(message).toMatchObject({ seq: 1, type: "status", suffix: "status", qos: 1, retain: true });
    expect(messageIdTime(message.id)).toBe(t0);
    const wire = JSON.parse(message.payload);
    expect(Object.keys(wire)).toEqual(["v", "id", "type", "ts", "src", "seq", "body"]);
    expect(wire).toEqual({
      v: 1,
      id: message.id,
      type: "status",
      ts: "2026-11-23T21:04:05.123Z",
      src: "BDX-07",
      seq: 1,
      body: status,
    });
    expect(carMessageSchema.safeParse(wire).success).toBe(true);
    expect(outbox.enqueue("alarm", alarm, t0)).toMatchObject({ suffix: "events", retain: false, seq: 2 });
  });

  it("persists seq across close and reopen and never reuses one after the outbox is emptied", () => {
    const first = [1, 2, 3].map(() => outbox.enqueue("status", status, t0));
    for (const message of first) outbox.markPublished(message.id, t0 + 1);
    expect(outbox.pendingCount()).toBe(0);
    reopen();
    expect(outbox.lastSeq()).toBe(3);
    expect(outbox.enqueue("status", status, t0).seq).toBe(4);
    reopen();
    expect(outbox.enqueue("alarm", alarm, t0).seq).toBe(5);
    expect(outbox.pending(10).map((m) => m.seq)).toEqual([4, 5]);
  });

  it("leaves nothing behind, not even a seq, when the transaction around an enqueue throws", () => {
    outbox.enqueue("status", status, t0);
    db.exec("CREATE TABLE radio_state (code INTEGER)");
    expect(() =>
      outbox.transaction(() => {
        db.prepare("INSERT INTO radio_state VALUES (4)").run();
        outbox.enqueue("status", { ...status, code: 4, key: "on_scene" }, t0);
        throw new Error("power cut simulated by a bug");
      }),
    ).toThrow("power cut");
    expect(db.prepare("SELECT COUNT(*) FROM radio_state").pluck().get()).toBe(0);
    expect(outbox.pendingCount()).toBe(1);
    expect(outbox.enqueue("status", status, t0).seq).toBe(2);
  });

  it("refuses an invalid body, rolling back the state change it came with", () => {
    db.exec("CREATE TABLE radio_state (code INTEGER)");
    expect(() =>
      outbox.transaction(() => {
        db.prepare("INSERT INTO radio_state VALUES (5)").run();
        outbox.enqueue("status", { code: 5, key: "en_route", since: "now" }, t0);
      }),
    ).toThrow(
      /^invalid status message: body\.since: .*; body\.key: code and key name different radio statuses$/,
    );
    expect(db.prepare("SELECT COUNT(*) FROM radio_state").pluck().get()).toBe(0);
    expect(outbox.lastSeq()).toBe(0);
    expect(() =>
      outbox.enqueue("position", { fixTime: status.since, lat: 1, lon: 1, fix: "3d" }, t0),
    ).toThrow("live position bypasses the outbox");
    expect(() => outbox.enqueue("message", { text: "x".repeat(4001) }, t0)).toThrow(/at most 4000/);
    expect(outbox.pendingCount()).toBe(0);
  });

  it("hands out pending messages in seq order, in pages after a seq", () => {
    for (let i = 0; i < 7; i++) outbox.enqueue(i % 2 ? "status" : "alarm", i % 2 ? status : alarm, t0 + i);
    expect(outbox.pending(3).map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(outbox.pending(3, 3).map((m) => m.seq)).toEqual([4, 5, 6]);
    expect(outbox.pending(3, 6).map((m) => m.seq)).toEqual([7]);
    expect(() => outbox.pending(0)).toThrow(RangeError);
  });

  it("deletes a message on PUBACK and shows it sent, then received on dispatch's ack", () => {
    const message = outbox.enqueue("alarm", alarm, t0);
    expect(outbox.stateOf(message.id)).toEqual({ state: "queued", queuedAt: t0 });
    outbox.markPublished(message.id, t0 + 40);
    expect(outbox.pending(10)).toEqual([]);
    expect(outbox.stateOf(message.id)).toEqual({ state: "sent", queuedAt: t0, sentAt: t0 + 40 });
    // Ids are case-insensitive (RFC 9562): dispatch may echo it upper-case.
    expect(outbox.markReceived(message.id.toUpperCase(), t0 + 90)).toBe(true);
    expect(outbox.markReceived(message.id, t0 + 200)).toBe(true);
    outbox.markPublished(message.id, t0 + 300);
    expect(outbox.stateOf(message.id)).toEqual({
      state: "received",
      queuedAt: t0,
      sentAt: t0 + 40,
      receivedAt: t0 + 90,
    });
    expect(outbox.markReceived("0193b7e6-0000-7000-8000-000000000000", t0)).toBe(false);
    expect(outbox.stateOf("0193b7e6-0000-7000-8000-000000000000")).toBeNull();
  });

  it("takes a message dispatch already acknowledged out of the outbox before its PUBACK", () => {
    const message = outbox.enqueue("report", { missionId: "M-1", outcome: "referred_gp", summary: "ok" }, t0);
    expect(outbox.markReceived(message.id, t0 + 5)).toBe(true);
    expect(outbox.pendingCount()).toBe(0);
    expect(outbox.stateOf(message.id)).toEqual({ state: "received", queuedAt: t0, receivedAt: t0 + 5 });
  });

  it("prunes old delivery states but never those still queued", () => {
    const old = outbox.enqueue("status", status, t0);
    const oldQueued = outbox.enqueue("status", status, t0);
    const recent = outbox.enqueue("status", status, t0 + 29 * day);
    outbox.markPublished(old.id, t0 + 1);
    outbox.markPublished(recent.id, t0 + 29 * day);
    expect(outbox.pruneExpiredDeliveries()).toBe(1);
    expect(outbox.stateOf(old.id)).toBeNull();
    expect(outbox.stateOf(oldQueued.id)?.state).toBe("queued");
    expect(outbox.stateOf(recent.id)?.state).toBe("sent");
  });
});

describe("SqliteInbox", () => {
  it("remembers command ids case-insensitively across a reopen, and forgets them after retention", () => {
    const inbox = new SqliteInbox(db, () => t0 + 8 * day);
    const id = "0193B7E6-AAAA-7BBB-8CCC-DDDDDDDDDDDD";
    expect(inbox.seen(id)).toBe(false);
    inbox.remember(id, t0);
    inbox.remember(id, t0 + day);
    inbox.remember("01ARZ3NDEKTSV4RRFFQ69G5FAV", t0 + 2 * day);
    reopen();
    const again = new SqliteInbox(db, () => t0 + 8 * day);
    expect(again.seen(id.toLowerCase())).toBe(true);
    expect(again.seen("01arz3ndektsv4rrffq69g5fav")).toBe(true);
    expect(again.pruneExpired()).toBe(1);
    expect(again.seen(id)).toBe(false);
    expect(again.count()).toBe(1);
  });
});

describe("SqliteOutbox across kill -9", () => {
  /** Runs the writer until it has committed `minCommits` more messages, then SIGKILLs it. */
  function runAndKill(path: string, minCommits: number): Promise<number[]> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "test/support/outbox-writer.ts", path], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const reported: number[] = [];
      let buffer = "";
      let stderr = "";
      let killing = false;
      child.stderr.on("data", (chunk) => {
        stderr += String(chunk);
      });
      child.stdout.on("data", (chunk) => {
        buffer += String(chunk);
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const line of lines) reported.push(Number(line));
        if (reported.length >= minCommits && !killing) {
          killing = true;
          // A random delay lands the kill at different points of the enqueue / commit / fsync cycle.
          setTimeout(() => child.kill("SIGKILL"), Math.floor(Math.random() * 25));
        }
      });
      child.on("exit", (code, signal) => {
        if (signal === "SIGKILL") resolvePromise(reported);
        else reject(new Error(`writer exited with ${code}: ${stderr}`));
      });
    });
  }

  it("keeps seqs contiguous from 1, without gap or duplicate, over 20 kills", {
    timeout: 180_000,
  }, async () => {
    const path = join(dir, "crash.db");
    const committed: number[] = [];
    for (let kill = 0; kill < 20; kill++) {
      committed.push(...(await runAndKill(path, 5 + Math.floor(Math.random() * 20))));
      reopen(path);
      const seqs = db.prepare("SELECT seq FROM deliveries ORDER BY seq").pluck().all() as number[];
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      // Every seq reported as committed survived, at most one more committed unreported.
      const last = committed.at(-1) ?? 0;
      expect(seqs.length === last || seqs.length === last + 1).toBe(true);
      // No seq reported twice, even across restarts, and none of them lost.
      expect(new Set(committed).size).toBe(committed.length);
      const stored = new Set(seqs);
      expect(committed.filter((seq) => !stored.has(seq))).toEqual([]);
      expect(outbox.lastSeq()).toBe(seqs.length);
      // The outbox holds exactly the messages still queued, each a valid envelope with its seq.
      const queued = db
        .prepare("SELECT seq FROM deliveries WHERE state = 'queued' ORDER BY seq")
        .pluck()
        .all();
      const pending = outbox.pending(100_000);
      expect(pending.map((m) => m.seq)).toEqual(queued);
      for (const message of pending) expect(JSON.parse(message.payload).seq).toBe(message.seq);
      db.close();
    }
    reopen();
  });
});
