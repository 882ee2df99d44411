/**
 * The command inbox's de-duplication table in SQLite (schema in inbox-migrations.ts): implements the
 * `CommandDedupe` port of src/services/command-inbox.ts.
 *
 * The inbox calls `remember` inside the same transaction as the command's effects, so that a crash
 * leaves either both or neither: a redelivered command (QoS 1 is at-least-once, and a persistent
 * session redelivers after a reconnect) is then applied exactly once.
 *
 * Retention: ids are kept 7 days by default. The broker redelivers within seconds or minutes of a
 * reconnect; a week covers a car parked over a long weekend with its session still at the broker.
 */
import type { Database, Statement } from "better-sqlite3";
import { messageIdKey } from "../contracts/ids.ts";
import type { CommandDedupe } from "../services/command-inbox.ts";

export const inboxRetentionMs = 7 * 86_400_000;

export class SqliteInbox implements CommandDedupe {
  private readonly selectSeen: Statement<[string], number>;
  private readonly insertSeen: Statement<[string, number]>;
  private readonly prune: Statement<[number]>;
  private readonly countAll: Statement<[], number>;

  constructor(
    db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.selectSeen = db.prepare<[string], number>("SELECT 1 FROM inbox_seen WHERE id = ?").pluck();
    // OR IGNORE: remembering twice keeps the first reception time.
    this.insertSeen = db.prepare("INSERT OR IGNORE INTO inbox_seen (id, received_at) VALUES (?, ?)");
    this.prune = db.prepare("DELETE FROM inbox_seen WHERE received_at < ?");
    this.countAll = db.prepare<[], number>("SELECT COUNT(*) FROM inbox_seen").pluck();
  }

  seen(id: string): boolean {
    return this.selectSeen.get(messageIdKey(id)) !== undefined;
  }

  remember(id: string, at: number): void {
    if (!Number.isFinite(at)) throw new RangeError(`at must be a finite epoch ms, got ${at}`);
    this.insertSeen.run(messageIdKey(id), Math.round(at));
  }

  /** Forgets ids received before `epochMs`; returns how many. */
  pruneOlderThan(epochMs: number): number {
    return this.prune.run(epochMs).changes;
  }

  /** Retention with the injected clock (default 7 days). */
  pruneExpired(retentionMs = inboxRetentionMs): number {
    return this.pruneOlderThan(this.now() - retentionMs);
  }

  count(): number {
    return this.countAll.get() ?? 0;
  }
}
