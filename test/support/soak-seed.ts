/**
 * Yesterday's track, for the soak (issue 9): fills a fresh core database with the 10 Hz fixes of
 * the hours before the soak starts, already sent to dispatch, so that the car starts in the steady
 * state it reaches after its first day. With `positions.retentionDays: 1`, the core's hourly
 * retention then deletes one hour of that track while one hour of new track comes in, and "the
 * database stays bounded" is a statement about pruning, not about a run too short to fill it.
 */
import { bordeauxLoop } from "../../apps/sim/drive/bordeaux-route.ts";
import { drive } from "../../apps/sim/drive/drive-generator.ts";
import { coreMigrations } from "../../src/app/core-migrations.ts";
import { createLogger } from "../../src/app/logger.ts";
import type { TrackEntry } from "../../src/services/track-store.ts";
import { openDatabase } from "../../src/store/database.ts";
import { TrackRepository } from "../../src/store/track-repository.ts";

export interface SeedOptions {
  dbPath: string;
  /** GNSS time of the first and after the last seeded fix, epoch ms (whole seconds). */
  fromMs: number;
  toMs: number;
  rateHz?: number;
}

/** Returns the number of points written. */
export function seedSentTrack(options: SeedOptions): number {
  const rateHz = options.rateHz ?? 10;
  const { db } = openDatabase({
    path: options.dbPath,
    // A seed, not the car's data: NORMAL spares thousands of fsyncs; the core reopens it with FULL.
    synchronous: "NORMAL",
    logger: createLogger({ name: "soak-seed", level: "warn" }),
    migrations: [...coreMigrations],
  });
  try {
    const track = new TrackRepository(db);
    let batch: TrackEntry[] = [];
    let written = 0;
    for (const sample of drive({
      route: bordeauxLoop,
      start: options.fromMs,
      rateHz,
      durationS: (options.toMs - options.fromMs) / 1000,
      seed: 3,
    })) {
      batch.push({
        fix: {
          fixTime: new Date(sample.time).toISOString(),
          lat: sample.lat,
          lon: sample.lon,
          alt: Math.round(sample.alt * 10) / 10,
          speed: Math.round(sample.speed * 100) / 100,
          heading: Math.round(sample.heading * 10) / 10,
          fix: "3d",
          sats: 19,
          hdop: 0.9,
        },
        receivedAt: sample.time,
      });
      if (batch.length === 20_000) {
        track.append(batch);
        written += batch.length;
        batch = [];
      }
    }
    track.append(batch);
    written += batch.length;
    // Dispatch had all of it (a car online all day): only sent points are pruned.
    db.prepare("UPDATE positions SET sent = 1 WHERE sent = 0").run();
    db.pragma("wal_checkpoint(TRUNCATE)");
    return written;
  } finally {
    db.close();
  }
}
