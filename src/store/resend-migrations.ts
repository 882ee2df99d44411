/**
 * Schema of the copies kept for a resend (src/services/outbox-resend.ts). Version 8 (versions are
 * global: src/store/migrations.ts).
 *
 * - `unacked`: an outbox message the broker PUBACKed (so it left `outbox`) but dispatch has not
 *   acknowledged yet, with its payload exactly as it went on the wire, so that it can be published
 *   again after a restart too. A broker may drop what it PUBACKed (killed before it saved its queue,
 *   or back without dispatch's shared subscriptions): found by test/reliability/chaos. The row goes
 *   with dispatch's ack, or with the delivery retention (7 days).
 */
import type { Migration } from "./migrations.ts";

export const resendMigrations: readonly Migration[] = [
  {
    version: 8,
    name: "unacked copies for the resend until dispatch's ack",
    up(db) {
      db.exec(`
        CREATE TABLE unacked (
          seq          INTEGER PRIMARY KEY,
          id           TEXT    NOT NULL UNIQUE,
          type         TEXT    NOT NULL,
          suffix       TEXT    NOT NULL,
          qos          INTEGER NOT NULL CHECK (qos IN (0, 1)),
          payload      TEXT    NOT NULL,
          created_at   INTEGER NOT NULL,
          published_at INTEGER NOT NULL
        );
      `);
    },
  },
];
