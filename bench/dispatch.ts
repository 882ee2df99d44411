/**
 * Dispatch load benchmark (issue 7, `bench/dispatch`): N simulated cars (apps/sim/fleet.ts, in its own
 * process) at 1 Hz against a real mosquitto, and the real dispatch service (apps/dispatch/main.ts, in
 * its own process, so that its CPU is its own) with its SQLite file (synchronous=FULL).
 *
 * For each fleet size of the search (SOSM_BENCH_DISPATCH_STEPS, default 2000,5000), for
 * SOSM_BENCH_DISPATCH_SECONDS (default 30; 300 for the 5 minutes) after every car is connected:
 *  - zero loss: every QoS 1 message the cars got a PUBACK for (statuses and events, one per car every
 *    30 s) must be in dispatch's database, and acked back to the car;
 *  - position ingest latency, p50/p99: envelope `ts` (the car's clock, same machine) to the commit
 *    that stored it, measured in dispatch;
 *  - dispatch CPU, % of one core, from its own process.cpuUsage().
 * Baseline, same run, same messages: a bare mqtt.js subscriber to every position, which only parses
 * the JSON: its p99 delivery latency is what the broker and the machine cost before dispatch's work.
 * A step passes with zero loss, every car connected and a p99 under SOSM_BENCH_DISPATCH_P99_MS
 * (default 1,000 ms); the search stops at the first step that fails.
 *
 * Run alone: `npx tsx bench/dispatch.ts`; with the others: `npm run bench -- dispatch`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import mqtt from "mqtt";
import type { IngestStats } from "../src/services/dispatch-ingest.ts";
import { Mosquitto } from "../test/support/mosquitto.ts";
import { type BenchMetric, type BenchResult, printBench } from "./bench-result.ts";

const root = join(import.meta.dirname, "..");
const seconds = Number(process.env.SOSM_BENCH_DISPATCH_SECONDS ?? 30);
const steps = (process.env.SOSM_BENCH_DISPATCH_STEPS ?? "2000,5000").split(",").map(Number);
const p99LimitMs = Number(process.env.SOSM_BENCH_DISPATCH_P99_MS ?? 1000);

interface Metrics {
  ingest: IngestStats;
  cpu: { user: number; system: number };
}

interface StepResult {
  cars: number;
  connected: number;
  eventsSent: number;
  eventsStored: number;
  acksReceived: number;
  positionsSent: number;
  positionsStored: number;
  p50: number;
  p99: number;
  bareP99: number;
  cpuPercent: number;
  rejected: number;
  passed: boolean;
}

/** Spawns a tsx script and resolves with it once it prints a JSON line with `ready`. */
function spawnReady(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; ready: Record<string, unknown>; lines: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let errors = "";
  child.stderr?.on("data", (d: Buffer) => {
    errors = (errors + d.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout?.on("data", (d: Buffer) => {
      buffer += d.toString();
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        try {
          const json = JSON.parse(line) as Record<string, unknown>;
          if (json.ready) resolve({ child, ready: json, lines });
        } catch {
          // not a JSON line
        }
      }
    });
    child.once("exit", (code) =>
      reject(new Error(`${script} exited (${code}) before it was ready:\n${errors}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

async function metrics(url: string, sinceMs = 0): Promise<Metrics> {
  return (await (await fetch(`${url}/metrics?since=${sinceMs}`)).json()) as Metrics;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function runStep(broker: Mosquitto, cars: number): Promise<StepResult> {
  const dir = mkdtempSync(join(tmpdir(), "sosm-bench-dispatch-"));
  const dispatch = await spawnReady("apps/dispatch/main.ts", [], {
    SOSM_MQTT_URL: broker.url,
    SOSM_DISPATCH_DATA: dir,
    SOSM_DISPATCH_PORT: "0",
    SOSM_LOG_LEVEL: "error",
  });
  const url = String(dispatch.ready.url);
  const bare = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `bench-bare-${cars}` });
  const bareLatencies: number[] = [];
  let measuring = false;
  bare.on("message", (_topic, payload) => {
    const message = JSON.parse(payload.toString()) as { ts: string };
    if (measuring) bareLatencies.push(Date.now() - Date.parse(message.ts));
  });
  await bare.subscribeAsync("sosm/v1/bordeaux/+/position", { qos: 0, rh: 2 });
  try {
    const report = join(dir, "fleet-report.json");
    const fleet = await spawnReady(
      "apps/sim/fleet.ts",
      [
        "--cars",
        String(cars),
        "--duration",
        String(seconds),
        "--report",
        report,
        "--url",
        broker.url,
        "--prefix",
        `B${cars}`,
      ],
      {},
    );
    // Measured from here: every car connected (the connection ramp is not the steady state).
    const before = await metrics(url);
    const startedAt = performance.now();
    const windowStart = Date.now();
    measuring = true;
    await exited(fleet.child);
    measuring = false;
    const after = await metrics(url, windowStart);
    const wallMs = performance.now() - startedAt;
    const sim = JSON.parse(readFileSync(report, "utf8")) as {
      connected: number;
      positions: number;
      eventsSent: number;
      acksReceived: number;
      sentIds: string[];
    };
    const db = new Database(join(dir, "dispatch.sqlite"), { readonly: true });
    const has = db.prepare("SELECT 1 FROM received WHERE id = ?");
    const eventsStored = sim.sentIds.filter((id) => has.get(id.toLowerCase()) !== undefined).length;
    const positionsStored = (db.prepare("SELECT count(*) AS n FROM positions").get() as { n: number }).n;
    db.close();
    const cpuUs = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
    bareLatencies.sort((a, b) => a - b);
    const { p50, p99 } = after.ingest.positionLatency;
    const result = {
      cars,
      connected: sim.connected,
      eventsSent: sim.eventsSent,
      eventsStored,
      acksReceived: sim.acksReceived,
      positionsSent: sim.positions,
      positionsStored,
      p50,
      p99,
      bareP99: percentile(bareLatencies, 0.99),
      cpuPercent: (cpuUs / 1000 / wallMs) * 100,
      rejected: after.ingest.rejected,
      passed: false,
    };
    result.passed =
      result.connected === cars && eventsStored === sim.eventsSent && sim.eventsSent > 0 && p99 <= p99LimitMs;
    return result;
  } finally {
    await bare.endAsync();
    dispatch.child.kill("SIGTERM");
    await exited(dispatch.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchDispatch(): Promise<BenchResult> {
  const broker = await Mosquitto.start({ extraConfig: ["max_queued_messages 100000"] });
  const metrics: BenchMetric[] = [];
  let largest = 0;
  try {
    for (const cars of steps) {
      process.stdout.write(`  ${cars} cars for ${seconds} s…\n`);
      const r = await runStep(broker, cars);
      process.stdout.write(`  ${JSON.stringify(r)}\n`);
      metrics.push(
        {
          label: `${cars} cars: QoS 1 messages stored / sent (acked back)`,
          value: r.eventsStored,
          unit: `of ${r.eventsSent} (${r.acksReceived} acks)`,
          goal: "all: zero loss",
        },
        {
          label: `${cars} cars: position ingest p99 (p50 ${Math.round(r.p50)} ms)`,
          value: r.p99,
          unit: "ms",
          baseline: { label: "bare mqtt.js subscriber p99", value: r.bareP99, unit: "ms" },
          ratio: r.bareP99 > 0 ? r.p99 / r.bareP99 : Number.POSITIVE_INFINITY,
          goal: `≤ ${p99LimitMs} ms`,
        },
        {
          label: `${cars} cars: dispatch CPU (positions stored ${r.positionsStored} of ${r.positionsSent})`,
          value: r.cpuPercent,
          unit: "% of one core",
        },
      );
      if (!r.passed) break;
      largest = cars;
    }
  } finally {
    await broker.close();
  }
  metrics.push({
    label: "largest fleet sustained at 1 Hz on this machine (steps tried)",
    value: largest,
    unit: `cars (${steps.join(", ")})`,
    goal: "≥ 5,000",
  });
  return { name: "dispatch", metrics };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  benchDispatch()
    .then(printBench)
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
