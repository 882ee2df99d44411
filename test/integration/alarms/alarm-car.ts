/**
 * The car side the alarm tests share: a real SQLite file with every migration, the real outbox,
 * command inbox (for dispatch's `ack`) and track, and the alarms built by the real composition unit.
 */
import { Writable } from "node:stream";
import type Database from "better-sqlite3";
import { pino } from "pino";
import { AlarmsFeature, type AlarmsFeatureContext } from "../../../src/app/alarms-feature.ts";
import { newMessageId } from "../../../src/contracts/message-id.ts";
import type { AlarmTimings } from "../../../src/services/alarm-service.ts";
import { CommandInbox } from "../../../src/services/command-inbox.ts";
import type { Clock } from "../../../src/services/ports.ts";
import { alarmMigrations } from "../../../src/store/alarm-migrations.ts";
import { checkMigrations } from "../../../src/store/check-migrations.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { inboxMigrations } from "../../../src/store/inbox-migrations.ts";
import { SqliteInbox } from "../../../src/store/inbox-repository.ts";
import { missionMigrations } from "../../../src/store/mission-migrations.ts";
import { outboxMigrations } from "../../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../../src/store/outbox-repository.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";
import { TrackRepository } from "../../../src/store/track-repository.ts";

export const allMigrations = [
  ...trackMigrations,
  ...outboxMigrations,
  ...inboxMigrations,
  ...checkMigrations,
  ...missionMigrations,
  ...alarmMigrations,
];

export const cmdTopic = "sosm/v1/bordeaux/BDX-07/cmd";

/** The wall clock as the core uses it; under vitest fake timers both follow the fake time. */
export const testClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

export interface LogRecord {
  level: number;
  msg: string;
  alarmId?: string;
}

export interface AlarmBody {
  alarmId: string;
  kind: string;
  state: string;
  lat?: number;
  lon?: number;
  note?: string;
}

export interface SentAlarm {
  id: string;
  seq: number;
  body: AlarmBody;
}

export interface AlarmCarOptions {
  path: string;
  clock?: Clock;
  alarms?: AlarmsFeatureContext["config"]["alarms"];
  timings?: Partial<AlarmTimings>;
}

export class AlarmCar {
  readonly db: Database.Database;
  readonly outbox: SqliteOutbox;
  readonly inbox: CommandInbox;
  readonly track: TrackRepository;
  readonly feature: AlarmsFeature;
  readonly logs: LogRecord[] = [];

  constructor(options: AlarmCarOptions) {
    const clock = options.clock ?? testClock;
    const sink = new Writable({
      write: (chunk, _encoding, done) => {
        this.logs.push(JSON.parse(String(chunk)) as LogRecord);
        done();
      },
    });
    const logger = pino({ level: "info" }, sink);
    this.db = openDatabase({
      path: options.path,
      synchronous: "FULL",
      logger: pino({ level: "silent" }),
      migrations: allMigrations,
    }).db;
    this.outbox = new SqliteOutbox({ db: this.db, vehicle: "BDX-07", now: clock.now });
    this.track = new TrackRepository(this.db);
    this.inbox = new CommandInbox({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      outbox: this.outbox,
      deliveries: this.outbox,
      unitOfWork: this.outbox,
      dedupe: new SqliteInbox(this.db),
      logger: pino({ level: "silent" }),
      clock,
    });
    this.feature = new AlarmsFeature({
      db: this.db,
      outbox: this.outbox,
      unitOfWork: this.outbox,
      deliveries: this.outbox,
      track: this.track,
      clock,
      logger,
      config: { alarms: options.alarms },
      ...(options.timings ? { timings: options.timings } : {}),
    });
  }

  get service() {
    return this.feature.service;
  }

  /** A fix received now, at a position along a street of Bordeaux. */
  fixAt(step: number, receivedAt = Date.now()): { lat: number; lon: number } {
    const lat = 44.8378 + step * 0.0001;
    const lon = -0.5792 + step * 0.0001;
    this.track.append([
      { fix: { fixTime: new Date(receivedAt).toISOString(), lat, lon, fix: "3d", sats: 9 }, receivedAt },
    ]);
    return { lat, lon };
  }

  /** The `alarm` events waiting in the outbox (nothing publishes them here), in seq order. */
  pendingAlarms(): SentAlarm[] {
    return this.outbox
      .pending(10_000)
      .filter((message) => message.type === "alarm")
      .map((message) => {
        const envelope = JSON.parse(message.payload) as { body: AlarmBody };
        return { id: message.id, seq: message.seq, body: envelope.body };
      });
  }

  /** Dispatch's `ack {ref}`, through the real command inbox. */
  ack(ref: string): void {
    const outcome = this.inbox.handle(cmdTopic, ackPayload(ref));
    if (outcome !== "applied") throw new Error(`ack not applied: ${outcome}`);
  }

  close(): void {
    this.feature.stop();
    this.db.close();
  }
}

export function ackPayload(ref: string): string {
  return JSON.stringify({
    v: 1,
    id: newMessageId(Date.now()),
    type: "ack",
    ts: new Date().toISOString(),
    src: "dispatch",
    body: { ref },
  });
}
