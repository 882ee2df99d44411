/**
 * Child process for the crash test in test/integration/store/track-repository.test.ts: appends
 * batches to a real SQLite file in a loop, with synchronous=FULL, and prints the number of each
 * batch on stdout once its transaction has committed. The test kills it with SIGKILL mid-loop.
 *
 * Usage: node --import tsx test/support/track-writer.ts <db path> <batch size>
 * Batch k holds `batch size` fixes whose receivedAt is k, so the test can check each batch is whole.
 */
import { createLogger } from "../../src/app/logger.ts";
import type { Fix } from "../../src/domain/gnss/fix.ts";
import { openDatabase } from "../../src/store/database.ts";
import { trackMigrations } from "../../src/store/track-migrations.ts";
import { TrackRepository } from "../../src/store/track-repository.ts";

const [dbPath, sizeText] = process.argv.slice(2);
if (dbPath === undefined || sizeText === undefined)
  throw new Error("usage: track-writer <db path> <batch size>");
const batchSize = Number(sizeText);

const logger = createLogger({ name: "track-writer", level: "warn" });
const { db } = openDatabase({ path: dbPath, synchronous: "FULL", logger, migrations: trackMigrations });
const track = new TrackRepository(db);

// Continue after the batches that survived the previous kill.
let batch = (db.prepare("SELECT MAX(received_at) FROM positions").pluck().get() as number | null) ?? -1;
const start = Date.parse("2026-11-23T21:00:00.000Z");

for (;;) {
  batch++;
  const entries = Array.from({ length: batchSize }, (_, i) => {
    const fix: Fix = {
      fixTime: new Date(start + (batch * batchSize + i) * 1000).toISOString(),
      lat: 44.8378 + i * 1e-5,
      lon: -0.5792,
      fix: "3d",
      sats: 9,
    };
    return { fix, receivedAt: batch };
  });
  track.append(entries);
  process.stdout.write(`${batch}\n`);
}
