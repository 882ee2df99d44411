/**
 * Coverage-guided fuzzing (issue 9): each target of targets/index.ts runs for a bounded time in its
 * own `node --expose-gc` process (fuzz-runner.ts), and must end with no crash and a bounded heap.
 *
 *   fast (default, npm test):   SOSM_FUZZ_SECONDS=5 per target, at most 400 seeds
 *   long:                       SOSM_RELIABILITY=long → 180 s per target, every seed
 *   one target, any time:       SOSM_FUZZ_TARGETS=nmea,psos SOSM_FUZZ_SECONDS=600
 *   reproducible run:           SOSM_FUZZ_SEED=42
 *
 * Memory bound: the heap after a forced GC may grow by at most 24 MiB between the end of the seeds
 * and the end of the run. The corpus is part of it (≤ 4096 inputs of ≤ 8 KiB, in practice well
 * under 2 MiB), the rest is the code under test: a leak of one object per input would pass it within
 * a few thousand executions.
 * Crashing inputs are saved to test-artifacts/reliability/fuzz-crashes/ (replay one with
 * `node --expose-gc --import tsx test/reliability/fuzz/fuzz-runner.ts --target T --replay FILE`).
 * Figures: test-artifacts/reliability/fuzz.json.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FuzzReport } from "./coverage-fuzzer.ts";
import { fuzzTargetNames, plantedTargetName } from "./targets/index.ts";

const root = join(import.meta.dirname, "../../..");
const runner = join(import.meta.dirname, "fuzz-runner.ts");
const artifacts = join(root, "test-artifacts/reliability");
const long = process.env.SOSM_RELIABILITY === "long";
const seconds = Number(process.env.SOSM_FUZZ_SECONDS ?? (long ? 180 : 5));
const maxSeeds = long ? 100_000 : 400;
const heapBoundMiB = 24;
const targets = (process.env.SOSM_FUZZ_TARGETS ?? fuzzTargetNames.join(","))
  .split(",")
  .filter((name) => fuzzTargetNames.includes(name));

interface RunOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  report: FuzzReport | null;
}

function runFuzzer(target: string, args: string[]): Promise<RunOutcome> {
  const dir = mkdtempSync(join(tmpdir(), "sosm-fuzz-"));
  const out = join(dir, "report.json");
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", runner, "--target", target, "--out", out, ...args],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      let report: FuzzReport | null = null;
      try {
        report = JSON.parse(readFileSync(out, "utf8")) as FuzzReport;
      } catch {
        // No report: the process died before writing it; the test shows stderr.
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, stderr, report });
    });
  });
}

const reports: Record<string, FuzzReport> = {};

afterAll(() => {
  if (Object.keys(reports).length === 0) return;
  mkdirSync(artifacts, { recursive: true });
  const summary = {
    suite: "fuzz",
    variant: long ? "long" : "fast",
    secondsPerTarget: seconds,
    heapBoundMiB,
    at: new Date().toISOString(),
    targets: reports,
  };
  writeFileSync(join(artifacts, "fuzz.json"), `${JSON.stringify(summary, null, 2)}\n`);
});

describe("the coverage-guided fuzzer", () => {
  it("finds a bug hidden behind three nested byte comparisons, and saves the input", async () => {
    const crashDir = mkdtempSync(join(tmpdir(), "sosm-fuzz-planted-"));
    try {
      const run = await runFuzzer(plantedTargetName, [
        "--seconds",
        "40",
        "--stop-on-crash",
        "--crash-dir",
        crashDir,
        "--seed",
        "1",
      ]);
      expect(run.report, run.stderr).not.toBeNull();
      const crash = run.report?.crashes[0];
      expect(crash?.message).toContain("planted bug reached");
      expect(
        readFileSync(crash?.file ?? "")
          .subarray(0, 3)
          .toString(),
      ).toBe("SOS");
      expect(readFileSync((crash?.file ?? "").replace(/\.bin$/, ".txt"), "utf8")).toContain(
        "planted-target.ts",
      );
    } finally {
      rmSync(crashDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe.each(targets)("fuzz target %s", (target) => {
  it(
    `survives ${seconds} s of coverage-guided inputs with no crash and a bounded heap`,
    async () => {
      const seed = process.env.SOSM_FUZZ_SEED;
      const run = await runFuzzer(target, [
        "--seconds",
        String(seconds),
        "--max-seeds",
        String(maxSeeds),
        ...(seed === undefined ? [] : ["--seed", seed]),
      ]);
      const report = run.report;
      // Exit 0 (clean) or 1 (crashes found and reported); anything else is the process dying.
      expect([0, 1], `the fuzzer process died (${run.signal ?? run.code}):\n${run.stderr}`).toContain(
        run.code,
      );
      if (report === null) throw new Error(`no report:\n${run.stderr}`);
      reports[target] = report;
      process.stdout.write(
        `fuzz ${target}: ${report.seconds} s, ${report.execs} execs (${report.execsPerSecond}/s), corpus ${report.corpus}, ` +
          `blocks ${report.blocksCovered}/${report.blocksKnown} (${report.blocksAfterSeeds} from the seeds), ` +
          `heap ${report.heap.startMiB}→${report.heap.endMiB} MiB, crashes ${report.crashes.length}, seed ${report.seed}\n`,
      );
      expect(report.crashes.map((c) => `${c.message} (${c.hits}×) → ${c.file}`)).toEqual([]);
      expect(report.execs).toBeGreaterThan(report.seedsRun);
      expect(report.blocksCovered).toBeGreaterThanOrEqual(report.blocksAfterSeeds);
      expect(report.heap.growthMiB).toBeLessThan(heapBoundMiB);
    },
    (seconds + 120) * 1000,
  );
});
