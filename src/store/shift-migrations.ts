/**
 * Schema of doctors' shifts (issue 10). Versions are global across groups (src/store/migrations.ts):
 * 1 to 6 belong to other features, this group takes 7.
 *
 * - `doctors`: the roster (from the vehicle profile, then replaced by dispatch's `roster`) and the
 *   doctors the policy let in. A doctor left out of a newer roster is kept (`in_roster = 0`): past
 *   shifts name them. The PIN is a scrypt hash with its salt and parameters, as the technicians'
 *   (check-migrations.ts), with the same lockout columns.
 * - `roster_settings`: ONE row, whether unknown doctors may sign in (NULL: the config decides).
 * - `shifts`: one row per shift, which is the history. At most one is open (`ended_at IS NULL`),
 *   enforced by a unique partial index. `summary_json` is the shift summary, written at sign-out.
 * - `shift_start_checks`: the doctor's own answers to the shift-start checklist, with the `check`
 *   event that carried each one.
 */
import type { Migration } from "./migrations.ts";

export const shiftMigrations: readonly Migration[] = [
  {
    version: 7,
    name: "doctors, roster_settings, shifts and shift_start_checks tables",
    up(db) {
      db.exec(`
        CREATE TABLE doctors (
          rpps            TEXT    PRIMARY KEY CHECK (length(rpps) = 11),
          name            TEXT    NOT NULL,
          source          TEXT    NOT NULL CHECK (source IN ('profile', 'roster', 'walk_in')),
          in_roster       INTEGER NOT NULL CHECK (in_roster IN (0, 1)),
          pin_hash        BLOB,
          pin_salt        BLOB,
          scrypt_n        INTEGER,
          scrypt_r        INTEGER,
          scrypt_p        INTEGER,
          key_length      INTEGER,
          failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
          locked_until    INTEGER,
          updated_at      INTEGER NOT NULL,
          CHECK ((pin_hash IS NULL) = (pin_salt IS NULL))
        ) WITHOUT ROWID;
        CREATE TABLE roster_settings (
          singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
          allow_unknown INTEGER CHECK (allow_unknown IN (0, 1)),
          updated_at    INTEGER,
          source        TEXT CHECK (source IN ('profile', 'roster'))
        );
        INSERT INTO roster_settings (singleton) VALUES (1);
        CREATE TABLE shifts (
          seq              INTEGER PRIMARY KEY,
          id               TEXT    NOT NULL UNIQUE,
          rpps             TEXT    NOT NULL REFERENCES doctors (rpps),
          doctor_name      TEXT    NOT NULL,
          started_at       INTEGER NOT NULL,
          ended_at         INTEGER,
          track_from_id    INTEGER NOT NULL,
          shift_start_at   INTEGER,
          summary_json     TEXT,
          start_message_id TEXT    NOT NULL,
          end_message_id   TEXT,
          CHECK ((ended_at IS NULL) = (summary_json IS NULL))
        );
        CREATE UNIQUE INDEX shifts_one_open ON shifts ((ended_at IS NULL)) WHERE ended_at IS NULL;
        CREATE INDEX shifts_started_at ON shifts (started_at);
        CREATE TABLE shift_start_checks (
          shift_seq  INTEGER NOT NULL REFERENCES shifts (seq),
          position   INTEGER NOT NULL,
          check_id   TEXT    NOT NULL,
          result     TEXT    NOT NULL CHECK (result IN ('pass', 'fail')),
          notes      TEXT,
          message_id TEXT    NOT NULL UNIQUE,
          PRIMARY KEY (shift_seq, check_id)
        ) WITHOUT ROWID;
      `);
    },
  },
];
