/**
 * `npm run bench`: runs every benchmark and prints its figures, each as a ratio to a baseline
 * measured in the same run (never an absolute time compared with a number from another machine).
 * `npm run bench -- gnss link-bytes` runs only the named ones. Results also go to
 * bench/results/latest.json for the closing notes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BenchResult, printBench } from "./bench-result.ts";

const benches: Record<string, () => Promise<BenchResult>> = {
  gnss: async () => (await import("./gnss.ts")).benchGnss(),
  "link-bytes": async () => (await import("./link-bytes.ts")).benchLinkBytes(),
  link: async () => (await import("./link.ts")).benchLink(),
  kiosk: async () => (await import("./kiosk.ts")).benchKiosk(),
  dispatch: async () => (await import("./dispatch.ts")).benchDispatch(),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
  const unknown = wanted.filter((name) => !(name in benches));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(benches).join(", ")}`);
  const results: BenchResult[] = [];
  for (const [name, run] of Object.entries(benches)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    process.stdout.write(`\n── ${name} ──\n`);
    const result = await run();
    printBench(result);
    results.push(result);
  }
  const dir = join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "latest.json"),
    `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
