/**
 * Schema of the `positions` table group (the GNSS track). See src/store/migrations.ts for how
 * versions are numbered across groups.
 *
 * - `id` is AUTOINCREMENT, not a plain rowid: ids are never reused after pruning, so an id that the
 *   dispatch link saw once always means the same point ("nothing sent twice").
 * - `fix_time` keeps the GNSS time text exactly as received; `fix_time_ms` is the same instant as
 *   epoch ms, for retention (pruning by GNSS time, since the car's system clock may be wrong).
 * - `received_at` is the receive time (wall clock), kept apart from GNSS time (DESIGN.md §3).
 * - Optional fix fields are nullable: a value the receiver did not give is NULL, never 0.
 * - `sent` is set once dispatch has the point in a `track` batch. The partial index keeps the
 *   backfill query cheap when millions of sent points sit in front of a few unsent ones.
 */
import type { Migration } from "./migrations.ts";

export const trackMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "positions table",
    up(db) {
      db.exec(`
        CREATE TABLE positions (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          fix_time    TEXT    NOT NULL,
          fix_time_ms INTEGER NOT NULL,
          lat         REAL    NOT NULL CHECK (lat BETWEEN -90 AND 90),
          lon         REAL    NOT NULL CHECK (lon BETWEEN -180 AND 180),
          alt         REAL,
          speed       REAL,
          heading     REAL,
          fix         TEXT    NOT NULL CHECK (fix IN ('2d', '3d', 'dgps', 'rtk', 'estimated')),
          sats        INTEGER,
          hdop        REAL,
          received_at INTEGER NOT NULL,
          sent        INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1))
        );
        CREATE INDEX positions_unsent ON positions (id) WHERE sent = 0;
        CREATE INDEX positions_fix_time ON positions (fix_time_ms);
      `);
    },
  },
];
