/**
 * Schema of the command inbox's de-duplication table. Versions are global across groups
 * (src/store/migrations.ts): track 1, outbox 2, this group 3.
 *
 * `id` is `messageIdKey(envelope id)` (UUIDv7 and ULID are case-insensitive), `received_at` the wall
 * clock at reception, for retention. WITHOUT ROWID: the key is the only lookup.
 */
import type { Migration } from "./migrations.ts";

export const inboxMigrations: readonly Migration[] = [
  {
    version: 3,
    name: "inbox_seen table",
    up(db) {
      db.exec(`
        CREATE TABLE inbox_seen (
          id          TEXT    PRIMARY KEY,
          received_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX inbox_seen_received_at ON inbox_seen (received_at);
      `);
    },
  },
];
