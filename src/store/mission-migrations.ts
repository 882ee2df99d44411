/**
 * Schema of the missions table group (issue 4). Versions are global across groups
 * (src/store/migrations.ts): track 1, outbox 2, inbox 3, technician checks 4, this group 5.
 *
 * - `missions`: one row per assigned mission. `details` is the merged assignment (JSON of the domain
 *   MissionDetails: the `mission.assign` body without its id, with every `mission.update` merged in),
 *   so that an update is one read-merge-write. `ended_at` is when it was closed (dispatch's ack of the
 *   report), declined or cancelled: the patient-data purge counts from it; `purged_at` says it ran.
 * - `mission_timeline`: every ack, status and lifecycle step of a mission, with time and position.
 *   `message_id` is the outbox envelope id of what was sent, for its delivery state (deliveries table).
 * - `radio_status`: ONE row, the current status; `status_history`: every status sent, with position.
 * - `crew_messages`: text messages in both directions; `id` is the envelope id (dispatch's, or ours).
 * - `visit_reports`: the end-of-visit report, one per mission, with the times taken from the timeline.
 *
 * Patient identifiers live only in `missions.details`, `visit_reports.summary` and timeline notes, so
 * the purge has three places to clear. The purge also needs `secure_delete` (set by the repository):
 * without it SQLite leaves the old bytes in free space in the file.
 */
import type { Migration } from "./migrations.ts";

export const missionMigrations: readonly Migration[] = [
  {
    version: 5,
    name: "missions, mission_timeline, radio_status, status_history, crew_messages, visit_reports tables",
    up(db) {
      db.exec(`
        CREATE TABLE missions (
          id                TEXT    PRIMARY KEY,
          state             TEXT    NOT NULL,
          priority          TEXT    NOT NULL,
          details           TEXT    NOT NULL,
          assigned_at       INTEGER NOT NULL,
          updated_at        INTEGER NOT NULL,
          ended_at          INTEGER,
          cancel_reason     TEXT,
          decline_reason    TEXT,
          report_message_id TEXT,
          purged_at         INTEGER
        );
        CREATE INDEX missions_state ON missions (state);
        CREATE TABLE mission_timeline (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          mission_id TEXT    NOT NULL REFERENCES missions (id),
          kind       TEXT    NOT NULL CHECK (kind IN ('ack', 'status', 'lifecycle')),
          state      TEXT    NOT NULL,
          at         INTEGER NOT NULL,
          lat        REAL,
          lon        REAL,
          message_id TEXT,
          note       TEXT
        );
        CREATE INDEX mission_timeline_mission ON mission_timeline (mission_id, id);
        CREATE TABLE radio_status (
          singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
          key        TEXT    NOT NULL,
          since      INTEGER NOT NULL,
          mission_id TEXT,
          lat        REAL,
          lon        REAL,
          message_id TEXT    NOT NULL
        );
        CREATE TABLE status_history (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          key        TEXT    NOT NULL,
          code       INTEGER NOT NULL,
          at         INTEGER NOT NULL,
          mission_id TEXT,
          lat        REAL,
          lon        REAL,
          message_id TEXT    NOT NULL,
          note       TEXT
        );
        CREATE TABLE crew_messages (
          id         TEXT    PRIMARY KEY,
          direction  TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
          text       TEXT    NOT NULL,
          reply_to   TEXT,
          at         INTEGER NOT NULL,
          read_at    INTEGER
        );
        CREATE INDEX crew_messages_at ON crew_messages (at);
        CREATE TABLE visit_reports (
          mission_id  TEXT    PRIMARY KEY REFERENCES missions (id),
          message_id  TEXT    NOT NULL,
          outcome     TEXT    NOT NULL,
          summary     TEXT,
          acts        TEXT    NOT NULL,
          consumables TEXT    NOT NULL,
          times       TEXT    NOT NULL,
          created_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
      `);
    },
  },
];
