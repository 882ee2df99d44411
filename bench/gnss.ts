/**
 * GNSS decoding benchmark.
 *  1. Throughput of the whole pipeline (frame check, nmea-simple, our field readers, cycle assembly,
 *     quality gate) over every line of the fixture corpus, against bare `parseNmeaSentence` in
 *     try/catch on the same lines in the same run. Goal: ratio >= 0.5 (our checks and fixes may at
 *     most double the cost of the parser alone).
 *  2. CPU share of one core for a 10 Hz multi-GNSS receiver (the simulated car's "multi" flavour),
 *     from process.cpuUsage over N epochs, scaled to 10 epochs per second.
 * Warm-up rounds first, then several rounds, medians reported.
 *
 * Run alone: `npx tsx bench/gnss.ts`; with the others: `npm run bench -- gnss`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseNmeaSentence } from "nmea-simple";
import { bordeauxLoop } from "../apps/sim/drive/bordeaux-route.ts";
import { drive } from "../apps/sim/drive/drive-generator.ts";
import { encodeEpoch } from "../apps/sim/drive/nmea-encoder.ts";
import { GnssPipeline } from "../src/io/gnss/gnss-pipeline.ts";
import { type BenchResult, printBench } from "./bench-result.ts";

const fixtures = resolve(import.meta.dirname, "../test/fixtures/nmea");

function corpusLines(): string[] {
  const files = [
    ...readdirSync(resolve(fixtures, "gpsd"))
      .filter((f) => f.endsWith(".log"))
      .map((f) => resolve(fixtures, "gpsd", f)),
    resolve(fixtures, "signalk/test-fixtures.nmea"),
  ];
  return files.flatMap((file) =>
    readFileSync(file)
      .toString("latin1")
      .split(/\r\n|\r|\n/)
      .filter((line) => line.length > 0 && !line.startsWith("#")),
  );
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Keeps results alive so that the JIT cannot drop the work. */
let sink = 0;

function timePipeline(lines: readonly string[]): number {
  const pipeline = new GnssPipeline();
  const start = performance.now();
  for (let i = 0; i < lines.length; i++) sink += pipeline.push(lines[i] as string, i).length;
  sink += pipeline.flush().length;
  return performance.now() - start;
}

function timeBareParser(lines: readonly string[]): number {
  const start = performance.now();
  for (let i = 0; i < lines.length; i++) {
    try {
      sink += parseNmeaSentence(lines[i] as string).sentenceId.length;
    } catch {
      sink += 1;
    }
  }
  return performance.now() - start;
}

function cpuPercentAt10Hz(epochLines: readonly string[][]): number {
  const pipeline = new GnssPipeline({ referenceDate: "2026-01-01" });
  const before = process.cpuUsage();
  let t = 0;
  for (const lines of epochLines) for (const line of lines) sink += pipeline.push(line, t++).length;
  const used = process.cpuUsage(before);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const wallSecondsAt10Hz = epochLines.length / 10;
  return (cpuSeconds / wallSecondsAt10Hz) * 100;
}

export async function benchGnss(options: { rounds?: number; epochs?: number } = {}): Promise<BenchResult> {
  const rounds = options.rounds ?? 7;
  const lines = corpusLines();
  for (let i = 0; i < 3; i++) {
    timePipeline(lines);
    timeBareParser(lines);
  }
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate, so that a noisy neighbour on the machine hurts both sides alike.
    ours.push(timePipeline(lines));
    bare.push(timeBareParser(lines));
  }
  const oursRate = lines.length / (median(ours) / 1000);
  const bareRate = lines.length / (median(bare) / 1000);

  // The same, on the lines nmea-simple parses without throwing: exceptions make the bare parser
  // slow on garbage, so this is the fairer comparison for a healthy receiver.
  const clean = lines.filter((line) => {
    try {
      parseNmeaSentence(line);
      return true;
    } catch {
      return false;
    }
  });
  const oursClean: number[] = [];
  const bareClean: number[] = [];
  for (let i = 0; i < rounds; i++) {
    oursClean.push(timePipeline(clean));
    bareClean.push(timeBareParser(clean));
  }
  const oursCleanRate = clean.length / (median(oursClean) / 1000);
  const bareCleanRate = clean.length / (median(bareClean) / 1000);

  const epochs = options.epochs ?? 6000;
  const start = Date.parse("2026-11-23T21:00:00Z");
  const epochLines = [...drive({ route: bordeauxLoop, start, rateHz: 10, durationS: epochs / 10 })].map((s) =>
    encodeEpoch(s, "multi"),
  );
  cpuPercentAt10Hz(epochLines.slice(0, 1000));
  const cpu = median(Array.from({ length: 5 }, () => cpuPercentAt10Hz(epochLines)));
  const sentencesPerEpoch = epochLines.reduce((n, e) => n + e.length, 0) / epochLines.length;

  return {
    name: `gnss (${lines.length} corpus lines, ${rounds} rounds; ${epochLines.length} epochs of 10 Hz multi-GNSS)`,
    metrics: [
      {
        label: "pipeline throughput",
        value: oursRate,
        unit: "lines/s",
        baseline: { label: "bare parseNmeaSentence", value: bareRate, unit: "lines/s" },
        ratio: oursRate / bareRate,
        goal: "ratio >= 0.5",
      },
      {
        label: `throughput on the ${clean.length} lines nmea-simple parses`,
        value: oursCleanRate,
        unit: "lines/s",
        baseline: { label: "bare parseNmeaSentence", value: bareCleanRate, unit: "lines/s" },
        ratio: oursCleanRate / bareCleanRate,
        goal: "ratio >= 0.5",
      },
      {
        label: "CPU for a 10 Hz multi-GNSS receiver",
        value: cpu,
        unit: "% of one core",
        goal: `${sentencesPerEpoch.toFixed(1)} sentences per epoch; as low as possible (< 1%)`,
      },
    ],
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchGnss()
    .then((result) => {
      printBench(result);
      if (sink === -1) process.stdout.write("\n");
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
