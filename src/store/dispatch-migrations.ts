/**
 * Dispatch's own database (apps/dispatch), separate from any car's: its own migration list, from 1.
 *
 * - `received`: every stored message with an id (all but live positions and track points, which are
 *   keyed by vehicle and GNSS time), primary key = the lower-cased envelope id: the de-duplication
 *   PROTOCOL.md A asks for, and the car's timeline.
 * - `cars`: one row per car with its latest state, and its `seq` gap tracker (dispatch-seq-gaps.ts).
 * - `positions`: live fixes and track backfill, one row per (vehicle, fixTime): a retained position
 *   re-delivered at every subscribe, or a track point that also went out live, is stored once.
 * - `missions`, `alarms` (+ `alarm_events`, the envelope ids an operator's ack answers), `messages`.
 * - `outbox`: dispatch's commands until their PUBACK (DESIGN.md §3 transactional outbox).
 * - `operators`, `sessions`: web UI login (scrypt hashes; only a SHA-256 of the session token).
 * - `counters`: rejected and duplicate messages, for the operator and the benchmark.
 * - `hub_*` (version 2): the Hub Santé gateway (issue 8, docs/interop/hub-sante.md and
 *   src/store/hub-outbox-repository.ts).
 */
import type { Migration } from "./migrations.ts";

export const dispatchMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "dispatch tables",
    up(db) {
      db.exec(`
        CREATE TABLE received (
          id          TEXT    PRIMARY KEY,
          vehicle     TEXT    NOT NULL,
          type        TEXT    NOT NULL,
          ts          TEXT    NOT NULL,
          seq         INTEGER,
          received_at INTEGER NOT NULL,
          body        TEXT    NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX received_vehicle_ts ON received (vehicle, ts);
        CREATE TABLE cars (
          vehicle              TEXT PRIMARY KEY,
          fleet                TEXT NOT NULL,
          presence_state       TEXT,
          presence_since       TEXT,
          presence_ts          TEXT,
          app                  TEXT,
          status_json          TEXT,
          status_ts            TEXT,
          equipment_json       TEXT,
          equipment_ts         TEXT,
          equipment_at         INTEGER,
          position_json        TEXT,
          position_received_at INTEGER,
          last_seq             INTEGER,
          gaps_json            TEXT NOT NULL DEFAULT '[]',
          missing              INTEGER NOT NULL DEFAULT 0,
          unread               INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE positions (
          vehicle     TEXT    NOT NULL,
          fix_time    TEXT    NOT NULL,
          lat         REAL    NOT NULL,
          lon         REAL    NOT NULL,
          speed       REAL,
          heading     REAL,
          received_at INTEGER NOT NULL,
          PRIMARY KEY (vehicle, fix_time)
        ) WITHOUT ROWID;
        CREATE TABLE missions (
          mission_id TEXT PRIMARY KEY,
          vehicle    TEXT,
          state      TEXT NOT NULL,
          body       TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          created_by TEXT NOT NULL
        );
        CREATE INDEX missions_vehicle ON missions (vehicle, state);
        CREATE TABLE alarms (
          vehicle         TEXT    NOT NULL,
          alarm_id        TEXT    NOT NULL,
          kind            TEXT    NOT NULL,
          state           TEXT    NOT NULL CHECK (state IN ('raised', 'acknowledged', 'cancelled')),
          lat             REAL,
          lon             REAL,
          note            TEXT,
          raised_at       TEXT    NOT NULL,
          repeats         INTEGER NOT NULL DEFAULT 1,
          acknowledged_at TEXT,
          acknowledged_by TEXT,
          cancelled_at    TEXT,
          PRIMARY KEY (vehicle, alarm_id)
        ) WITHOUT ROWID;
        CREATE TABLE alarm_events (
          id       TEXT PRIMARY KEY,
          vehicle  TEXT NOT NULL,
          alarm_id TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX alarm_events_alarm ON alarm_events (vehicle, alarm_id);
        CREATE TABLE messages (
          id        TEXT PRIMARY KEY,
          vehicle   TEXT NOT NULL,
          direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
          text      TEXT NOT NULL,
          reply_to  TEXT,
          at        TEXT NOT NULL,
          operator  TEXT
        ) WITHOUT ROWID;
        CREATE INDEX messages_vehicle ON messages (vehicle, at);
        CREATE TABLE outbox (
          seq        INTEGER PRIMARY KEY AUTOINCREMENT,
          id         TEXT    NOT NULL UNIQUE,
          vehicle    TEXT    NOT NULL,
          type       TEXT    NOT NULL,
          topic      TEXT    NOT NULL,
          payload    TEXT    NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE operators (
          username     TEXT PRIMARY KEY,
          display_name TEXT NOT NULL,
          algorithm    TEXT NOT NULL,
          hash         BLOB NOT NULL,
          salt         BLOB NOT NULL,
          params       TEXT NOT NULL
        );
        CREATE TABLE sessions (
          token_hash TEXT    PRIMARY KEY,
          username   TEXT    NOT NULL REFERENCES operators (username) ON DELETE CASCADE,
          expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE counters (
          name  TEXT    PRIMARY KEY,
          value INTEGER NOT NULL
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    name: "hub santé gateway tables",
    up(db) {
      db.exec(`
        -- One row: whether the gateway is on (it sets this when it starts; "dispatch hub off" clears it).
        CREATE TABLE hub_state (
          id      INTEGER PRIMARY KEY CHECK (id = 1),
          enabled INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO hub_state (id, enabled) VALUES (1, 0);
        -- Every status dispatch stores, in commit order, while the gateway is on. The trigger runs
        -- inside the ingest transaction: a status is in the feed if and only if it is committed.
        -- seq and received_at let the gateway put a car's statuses back in the car's order.
        CREATE TABLE hub_feed (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          vehicle     TEXT    NOT NULL,
          seq         INTEGER,
          received_at INTEGER NOT NULL,
          body        TEXT    NOT NULL
        );
        CREATE TRIGGER hub_feed_status AFTER INSERT ON received
          WHEN NEW.type = 'status' AND (SELECT enabled FROM hub_state WHERE id = 1) = 1
          BEGIN
            INSERT INTO hub_feed (vehicle, seq, received_at, body)
              VALUES (NEW.vehicle, NEW.seq, NEW.received_at, NEW.body);
          END;
        -- Per car: the mapping state (JSON) and the last GEO-POS sent.
        CREATE TABLE hub_cars (
          vehicle      TEXT PRIMARY KEY,
          state_json   TEXT NOT NULL,
          geo_fix_time INTEGER,
          geo_sent_at  INTEGER
        ) WITHOUT ROWID;
        -- Messages until RabbitMQ confirms them: the envelope exactly as published, its id kept.
        CREATE TABLE hub_outbox (
          id              INTEGER PRIMARY KEY AUTOINCREMENT,
          distribution_id TEXT    NOT NULL UNIQUE,
          kind            TEXT    NOT NULL,
          vehicle         TEXT    NOT NULL,
          payload         TEXT    NOT NULL,
          created_at      INTEGER NOT NULL,
          expires_at      INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 3,
    name: "received by car, type and seq",
    up(db) {
      // A car's status and equipment are ordered by seq (dispatch-ingest-repository.ts): each one
      // asks whether a newer one of its type was received. Without this index that question scans
      // every message the car ever sent, on the ingest's hot path.
      db.exec("CREATE INDEX received_vehicle_type_seq ON received (vehicle, type, seq)");
    },
  },
];
