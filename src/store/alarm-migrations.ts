/**
 * Schema of the alarms (issue 4, "Alarms" and "Persistence and delivery"). Versions are global across
 * groups (src/store/migrations.ts): track 1, outbox 2, inbox 3, 4 and 5 belong to other features,
 * this group takes 6.
 *
 * - `alarms`: one row per alarm id. `next_repeat_at` is the stored deadline of the next position
 *   repeat (wall-clock epoch ms), NULL once acknowledged or cancelled; the service re-arms its timer
 *   from it after a restart.
 * - `alarm_events`: every `alarm` event put in the outbox for an alarm (envelope id and role). An ack
 *   of ANY of them acknowledges the alarm, and their delivery states (queued/sent/received) are read
 *   from `deliveries` (outbox group).
 * - `lone_worker`: ONE row, the timer's phase and its deadlines (due time, end of the pre-alarm
 *   countdown), so that a timer running when the power was cut keeps running after the restart.
 */
import type { Migration } from "./migrations.ts";

export const alarmMigrations: readonly Migration[] = [
  {
    version: 6,
    name: "alarms, alarm_events and lone_worker tables",
    up(db) {
      db.exec(`
        CREATE TABLE alarms (
          alarm_id        TEXT    PRIMARY KEY,
          kind            TEXT    NOT NULL CHECK (kind IN ('panic', 'lone_worker')),
          phase           TEXT    NOT NULL CHECK (phase IN ('raised', 'acknowledged', 'cancelled')),
          raised_at       INTEGER NOT NULL,
          next_repeat_at  INTEGER,
          repeats         INTEGER NOT NULL DEFAULT 0 CHECK (repeats >= 0),
          acknowledged_at INTEGER,
          cancelled_at    INTEGER,
          CHECK ((phase = 'raised') = (next_repeat_at IS NOT NULL))
        ) WITHOUT ROWID;
        CREATE INDEX alarms_open ON alarms (raised_at) WHERE phase != 'cancelled';
        CREATE TABLE alarm_events (
          event_id TEXT    PRIMARY KEY,
          alarm_id TEXT    NOT NULL REFERENCES alarms (alarm_id) ON DELETE CASCADE,
          role     TEXT    NOT NULL CHECK (role IN ('raised', 'repeat', 'cancelled')),
          at       INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX alarm_events_alarm ON alarm_events (alarm_id, at);
        CREATE TABLE lone_worker (
          singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
          phase             TEXT    NOT NULL CHECK (phase IN ('off', 'running', 'pre_alarm', 'alarmed')),
          started_at        INTEGER,
          due_at            INTEGER,
          countdown_ends_at INTEGER,
          alarmed_since     INTEGER
        );
        INSERT INTO lone_worker (singleton, phase) VALUES (1, 'off');
      `);
    },
  },
];
