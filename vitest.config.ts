import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "firmware-bridge/**/*.test.ts"],
    // Integration suites spawn real brokers, ptys and SQLite files: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "json"],
    outputFile: { json: "test-artifacts/vitest-report.json" },
    // The kiosk tests serve the built UI: build it when missing or older than its sources.
    globalSetup: ["test/support/kiosk-ui-build.ts"],
  },
});
