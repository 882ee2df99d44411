#!/usr/bin/env node
// Prints vitest's JSON report as the plain closing line CI reads: "N passed, N failed, N skipped".
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2] ?? "test-artifacts/vitest-report.json";
if (!existsSync(file)) {
  process.stdout.write("0 passed, 1 failed\n");
  process.stderr.write(`no test report at ${file}: the test run did not complete\n`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, "utf8"));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
// A suite that fails to load has no failing test inside it but still fails the run.
const failed =
  report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? 1 : 0);
process.stdout.write(`${report.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`);
