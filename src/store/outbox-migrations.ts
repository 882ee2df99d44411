/**
 * Schema of the outbox table group (DESIGN.md §3, transactional outbox). Versions are global across
 * groups (src/store/migrations.ts): the track took 1, this group takes 2.
 *
 * - `outbox`: messages waiting for their PUBACK. `seq` is the primary key, so the publisher reads them
 *   in seq order from the rowid b-tree; `id` is the envelope id, unique (dispatch de-duplicates on it).
 *   `payload` is the whole JSON envelope, exactly as it goes on the wire.
 * - `outbox_sequence`: ONE row holding the last seq handed out. It is not derived from MAX(outbox.seq):
 *   published rows are deleted, and PROTOCOL.md A says seq grows by 1 per message and survives
 *   restarts, so a seq must never be handed out twice even when the outbox is empty.
 * - `deliveries`: the delivery state of every message put in the outbox (queued → sent → received,
 *   DESIGN.md §3 "End-to-end acknowledgement"), kept after the outbox row is gone so that the UI can
 *   show "received by dispatch". `seq` is kept too, to show loss and for diagnostics.
 */
import type { Migration } from "./migrations.ts";

export const outboxMigrations: readonly Migration[] = [
  {
    version: 2,
    name: "outbox, outbox_sequence and deliveries tables",
    up(db) {
      db.exec(`
        CREATE TABLE outbox (
          seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
          id         TEXT    NOT NULL UNIQUE,
          type       TEXT    NOT NULL,
          suffix     TEXT    NOT NULL,
          qos        INTEGER NOT NULL CHECK (qos IN (0, 1)),
          retain     INTEGER NOT NULL CHECK (retain IN (0, 1)),
          payload    TEXT    NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE outbox_sequence (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
          last_seq  INTEGER NOT NULL CHECK (last_seq >= 0)
        );
        INSERT INTO outbox_sequence (singleton, last_seq) VALUES (1, 0);
        CREATE TABLE deliveries (
          id          TEXT    PRIMARY KEY,
          seq         INTEGER NOT NULL UNIQUE,
          type        TEXT    NOT NULL,
          queued_at   INTEGER NOT NULL,
          sent_at     INTEGER,
          received_at INTEGER,
          state       TEXT    NOT NULL CHECK (state IN ('queued', 'sent', 'received'))
        ) WITHOUT ROWID;
        CREATE INDEX deliveries_queued_at ON deliveries (queued_at);
      `);
    },
  },
];
