/**
 * Runs one fuzz target in its own process, so that a process crash is seen as one, the heap is
 * measured with `--expose-gc`, and coverage counts only this target:
 *
 *   node --expose-gc --import tsx test/reliability/fuzz/fuzz-runner.ts \
 *        --target nmea --seconds 300 [--seed 42] [--out report.json] [--max-seeds 2000]
 *   node --expose-gc --import tsx test/reliability/fuzz/fuzz-runner.ts --target nmea --replay crash.bin
 *
 * Targets: nmea, psos, command-inbox, ui-http, ui-ws (targets/index.ts). Progress goes to stderr,
 * the report (coverage-fuzzer.ts FuzzReport) to --out as JSON. `--replay` runs one saved input and
 * exits 1 if it still crashes. Exit code: 0 when no crash, 1 otherwise.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fuzz } from "./coverage-fuzzer.ts";
import { fuzzTargetNames, loadFuzzTarget, plantedTargetName } from "./targets/index.ts";

const root = join(import.meta.dirname, "../../..");

const { values } = parseArgs({
  options: {
    target: { type: "string" },
    seconds: { type: "string", default: "5" },
    seed: { type: "string" },
    out: { type: "string" },
    "max-seeds": { type: "string", default: "400" },
    replay: { type: "string" },
    "stop-on-crash": { type: "boolean", default: false },
    "crash-dir": { type: "string", default: join(root, "test-artifacts/reliability/fuzz-crashes") },
  },
});

const name = values.target ?? "";
if (!fuzzTargetNames.includes(name) && name !== plantedTargetName) {
  process.stderr.write(`--target must be one of ${fuzzTargetNames.join(", ")}\n`);
  process.exit(2);
}
const target = await loadFuzzTarget(name, { maxSeeds: Number(values["max-seeds"]) });

if (values.replay !== undefined) {
  await target.setup?.();
  let failed = false;
  try {
    await target.exec(readFileSync(values.replay));
    await target.alive?.();
    process.stderr.write("no crash\n");
  } catch (error) {
    failed = true;
    process.stderr.write(
      `crash: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  } finally {
    await target.teardown?.();
  }
  process.exit(failed ? 1 : 0);
}

const seed = values.seed === undefined ? (Date.now() ^ (process.pid << 16)) >>> 0 : Number(values.seed);
const report = await fuzz(target, {
  seconds: Number(values.seconds),
  seed,
  crashDir: values["crash-dir"],
  stopOnCrash: values["stop-on-crash"],
  onProgress: (p) =>
    process.stderr.write(
      `[${name}] ${p.t}s execs=${p.execs} corpus=${p.corpus} blocks=${p.blocks}${p.heapMiB === undefined ? "" : ` heap=${p.heapMiB}MiB`}\n`,
    ),
});
if (values.out !== undefined) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
else process.stdout.write(`${JSON.stringify(report)}\n`);
// Servers, brokers and timers of the target are stopped by its teardown; exit anyway, promptly.
process.exit(report.crashes.length === 0 ? 0 : 1);
