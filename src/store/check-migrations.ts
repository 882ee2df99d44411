/**
 * Schema of the technician checks group (issue 5, "Technician checks"). Versions are global across
 * groups (src/store/migrations.ts): track 1, outbox 2, inbox 3, this group 4.
 *
 * - `technicians`: who may sign. The PIN is kept only as a scrypt hash with its salt AND its
 *   parameters (N, r, p, key length), so that the cost can be raised later: a hash made with older
 *   parameters still verifies, and is re-hashed with the current ones at the next good PIN.
 *   `failed_attempts` counts consecutive wrong PINs; `locked_until` (epoch ms) ends a lockout.
 * - `check_runs`: one signed checklist. `seq` is the insertion order, which decides which result is
 *   the newest: the wall clock of a car may be corrected backwards, the order of signatures cannot.
 *   The technician's name is copied as signed, so that a later rename does not rewrite the record.
 * - `check_results`: one row per checklist item of a run. The labels are copied as signed too: the
 *   profile may reword an item later, the record must show what the technician saw. `message_id` is
 *   the `check` event that carried the result (its delivery state is in `deliveries`).
 *   A fail without a note is refused here as well as in the service: it is the record a technician
 *   may have to defend.
 */
import type { Migration } from "./migrations.ts";

export const checkMigrations: readonly Migration[] = [
  {
    version: 4,
    name: "technicians, check_runs and check_results tables",
    up(db) {
      db.exec(`
        CREATE TABLE technicians (
          id              TEXT    PRIMARY KEY,
          display_name    TEXT    NOT NULL,
          pin_algorithm   TEXT    NOT NULL CHECK (pin_algorithm = 'scrypt'),
          pin_hash        BLOB    NOT NULL,
          pin_salt        BLOB    NOT NULL,
          scrypt_n        INTEGER NOT NULL CHECK (scrypt_n > 1),
          scrypt_r        INTEGER NOT NULL CHECK (scrypt_r >= 1),
          scrypt_p        INTEGER NOT NULL CHECK (scrypt_p >= 1),
          key_length      INTEGER NOT NULL CHECK (key_length >= 16),
          failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
          locked_until    INTEGER,
          enrolled_at     INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE check_runs (
          seq             INTEGER PRIMARY KEY,
          id              TEXT    NOT NULL UNIQUE,
          vehicle         TEXT    NOT NULL,
          schedule        TEXT    NOT NULL CHECK (schedule IN ('shiftStart', 'weekly', 'monthly')),
          technician_id   TEXT    NOT NULL REFERENCES technicians (id),
          technician_name TEXT    NOT NULL,
          signed_at       INTEGER NOT NULL
        );
        CREATE INDEX check_runs_signed_at ON check_runs (signed_at);
        CREATE TABLE check_results (
          run_seq      INTEGER NOT NULL REFERENCES check_runs (seq),
          position     INTEGER NOT NULL,
          check_id     TEXT    NOT NULL,
          equipment_id TEXT,
          label_fr     TEXT    NOT NULL,
          label_en     TEXT    NOT NULL,
          result       TEXT    NOT NULL CHECK (result IN ('pass', 'fail')),
          notes        TEXT,
          message_id   TEXT    NOT NULL UNIQUE,
          CHECK (result = 'pass' OR notes IS NOT NULL),
          PRIMARY KEY (run_seq, check_id)
        ) WITHOUT ROWID;
        CREATE INDEX check_results_latest ON check_results (check_id, run_seq);
      `);
    },
  },
];
