/** The doctors' shift-start answers read back as check history (a real SQLite file, the core's migrations). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { coreMigrations } from "../../../src/app/core-migrations.ts";
import { createLogger } from "../../../src/app/logger.ts";
import type { ShiftSummary } from "../../../src/domain/shifts/shift-summary.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { SqliteDoctorCheckHistory, SqliteShiftStore } from "../../../src/store/shift-repository.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it("gives each check's newest answer, across shifts, and ignores a shift whose checklist is unanswered", () => {
  const dir = mkdtempSync(join(tmpdir(), "sosm-doctor-checks-"));
  dirs.push(dir);
  const logger = createLogger({ name: "test", level: "silent" });
  const { db } = openDatabase({
    path: join(dir, "core.sqlite"),
    synchronous: "FULL",
    logger,
    migrations: coreMigrations,
  });
  const shifts = new SqliteShiftStore(db);
  const history = new SqliteDoctorCheckHistory(db);
  expect(history.latestByCheck()).toEqual({});
  db.prepare(
    "INSERT INTO doctors (rpps, name, source, in_roster, updated_at) VALUES ('19999900012', 'Dr Claire Fictive', 'profile', 1, 0)",
  ).run();
  const shift = (n: number, startedAt: number) => {
    shifts.insert({
      shiftId: `S-${n}`,
      rpps: "19999900012",
      doctorName: "Dr Claire Fictive",
      startedAt,
      endedAt: null,
      trackFromId: 0,
      shiftStart: null,
      summary: null,
      startMessageId: `m-start-${n}`,
      endMessageId: null,
    });
  };
  // The summary's content is not read by the check history: any JSON will do.
  const summary = { missions: [] } as unknown as ShiftSummary;
  shift(1, 1_000);
  shifts.recordShiftStart("S-1", 1_100, [
    { checkId: "o2-pressure", result: "pass", messageId: "c-1a" },
    { checkId: "ecg-pads", result: "pass", messageId: "c-1b" },
  ]);
  shifts.end("S-1", 5_000, summary, "m-end-1");
  shift(2, 9_000);
  shifts.recordShiftStart("S-2", 9_200, [
    { checkId: "o2-pressure", result: "fail", notes: "90 bar", messageId: "c-2a" },
  ]);
  shifts.end("S-2", 12_000, summary, "m-end-2");
  shift(3, 20_000); // signed in, checklist not answered yet
  expect(history.latestByCheck()).toEqual({
    "o2-pressure": { at: 9_200, result: "fail" },
    "ecg-pads": { at: 1_100, result: "pass" },
  });
  db.close();
});
