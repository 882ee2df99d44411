/**
 * Child process for the crash test in test/integration/store/outbox.test.ts: enqueues `status`
 * messages into a real SQLite outbox in a loop, with synchronous=FULL, one transaction each, and
 * prints the seq of each message on stdout once its transaction has committed. Every third round it
 * also marks the oldest pending message published (a delete), so that the counter must survive an
 * outbox that rows leave. The test kills it with SIGKILL mid-loop.
 *
 * Usage: node --import tsx test/support/outbox-writer.ts <db path>
 */
import { createLogger } from "../../src/app/logger.ts";
import { openDatabase } from "../../src/store/database.ts";
import { inboxMigrations } from "../../src/store/inbox-migrations.ts";
import { outboxMigrations } from "../../src/store/outbox-migrations.ts";
import { SqliteOutbox } from "../../src/store/outbox-repository.ts";
import { trackMigrations } from "../../src/store/track-migrations.ts";

const [dbPath] = process.argv.slice(2);
if (dbPath === undefined) throw new Error("usage: outbox-writer <db path>");

const logger = createLogger({ name: "outbox-writer", level: "warn" });
const { db } = openDatabase({
  path: dbPath,
  synchronous: "FULL",
  logger,
  migrations: [...trackMigrations, ...outboxMigrations, ...inboxMigrations],
});
const outbox = new SqliteOutbox({ db, vehicle: "BDX-07" });
const t0 = Date.parse("2026-11-23T21:00:00.000Z");

for (let round = 0; ; round++) {
  const message = outbox.transaction(() => {
    if (round % 3 === 2) {
      const oldest = outbox.pending(1)[0];
      if (oldest !== undefined) outbox.markPublished(oldest.id, t0 + round);
    }
    return outbox.enqueue(
      "status",
      { code: 3, key: "en_route", since: new Date(t0).toISOString() },
      t0 + round,
    );
  });
  process.stdout.write(`${message.seq}\n`);
}
