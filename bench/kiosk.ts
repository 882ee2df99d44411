/**
 * The doctor's screen benchmarks (issue 6), on a real mosquitto, the real terminal core and the
 * built UI in Debian's Chromium (Playwright), with GNSS and equipment running as in the car.
 *
 *  1. Status tap → status at dispatch: a Playwright mouse click on the status pad, timed until a dispatch
 *     subscriber on loopback receives the `status` message (the retained topic: a late subscriber is
 *     checked to get the last one). Alternating `available` / `unavailable`, 120 taps after 10 of
 *     warm-up. Goal p99 < 150 ms. Baseline: a bare mqtt.js QoS 1 retained publish → receive of a
 *     payload of the same size on the same broker, 120 times.
 *  2. Cold start → UI ready: `sosm core` spawned on a fresh data folder, timed until kiosk.json is
 *     written, /healthz answers and the WebSocket has delivered its first state. Baseline: a bare
 *     `node -e ""` start to exit. Medians of 5 runs.
 *
 * Run alone: `npx tsx bench/kiosk.ts`; with the others: `npm run bench -- kiosk`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import mqtt from "mqtt";
import WebSocket from "ws";
import { ensureRendererBuilt } from "../apps/kiosk/renderer/build-ui.ts";
import { carViewport, launchChromium } from "../test/support/kiosk-browser.ts";
import { ScriptedDispatch } from "../test/support/kiosk-dispatch.ts";
import { KioskRig } from "../test/support/kiosk-rig.ts";
import { Mosquitto } from "../test/support/mosquitto.ts";
import { waitUntil } from "../test/support/socat.ts";
import { type BenchMetric, type BenchResult, printBench } from "./bench-result.ts";
import { median, percentile } from "./support/link-rig.ts";

const root = join(import.meta.dirname, "..");
const taps = 120;
const warmup = 10;
const coldRuns = 5;
const goalP99Ms = 150;

async function tapLatencies(): Promise<{ core: number[]; bare: number[] }> {
  const rig = await KioskRig.start();
  const browser = await launchChromium();
  const dispatch = await ScriptedDispatch.connect({ url: rig.broker.url });
  try {
    const page = await (await browser.newContext({ viewport: carViewport })).newPage();
    await page.goto(rig.uiAddress);
    await page.locator("[data-testid=header-equipment][data-state=ready]").waitFor({ timeout: 20_000 });
    // A tap at the button's place, as a finger does: Playwright's locator.click() would first wait
    // for two animation frames of "stability", which is the test tool's cost, not the screen's.
    const centres = new Map<string, { x: number; y: number }>();
    for (const key of ["available", "unavailable"]) {
      const box = await page.getByTestId(`status-${key}`).boundingBox();
      if (box === null) throw new Error(`status ${key} is not on screen`);
      centres.set(key, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
    }
    const core: number[] = [];
    for (let i = 0; i < warmup + taps; i++) {
      const key = i % 2 === 0 ? "available" : "unavailable";
      const centre = centres.get(key) as { x: number; y: number };
      const seen = dispatch.received.length;
      const started = performance.now();
      await page.mouse.click(centre.x, centre.y);
      await waitUntil(
        () => dispatch.received.slice(seen).some((m) => m.type === "status" && m.body.key === key),
        `status ${key} at dispatch`,
      );
      const arrived = dispatch.received.slice(seen).find((m) => m.type === "status" && m.body.key === key);
      if (i >= warmup && arrived) core.push(arrived.at - started);
      // The next tap once the screen shows this one as current (not timed).
      await page.locator(`[data-testid=status-${key}][aria-pressed=true]`).waitFor();
    }
    const last = taps % 2 === 0 ? "unavailable" : "available";
    const late = await ScriptedDispatch.connect({ url: rig.broker.url, autoAck: false });
    const retained = await late.waitFor((m) => m.type === "status" && m.retain, "the retained status");
    await late.close();
    if (retained.body.key !== last)
      throw new Error(`retained status ${String(retained.body.key)}, expected ${last}`);
    const payload = JSON.stringify(dispatch.of("status").at(-1)?.body ?? {});
    return { core, bare: await bareRoundTrips(rig.broker.url, payload) };
  } finally {
    await browser.close();
    await dispatch.close();
    await rig.close();
  }
}

async function bareRoundTrips(url: string, body: string): Promise<number[]> {
  const publisher = await mqtt.connectAsync(url, { clientId: `bench-pub-${process.pid}` });
  const subscriber = await mqtt.connectAsync(url, { clientId: `bench-sub-${process.pid}` });
  const topic = "bench/kiosk/status";
  let expected = -1;
  let arrived: (() => void) | null = null;
  subscriber.on("message", (_topic, payload) => {
    if (payload.length === 0) return; // the retained message being cleared at the end
    if ((JSON.parse(payload.toString()) as { i: number }).i === expected) arrived?.();
  });
  await subscriber.subscribeAsync(topic, { qos: 1 });
  const times: number[] = [];
  for (let i = 0; i < warmup + taps; i++) {
    expected = i;
    const started = performance.now();
    const received = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    await publisher.publishAsync(topic, JSON.stringify({ i, body }), { qos: 1, retain: true });
    await received;
    if (i >= warmup) times.push(performance.now() - started);
  }
  await publisher.publishAsync(topic, "", { qos: 1, retain: true });
  await publisher.endAsync();
  await subscriber.endAsync();
  return times;
}

function timeProcess(
  args: string[],
  until: (child: ReturnType<typeof spawn>) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  return until(child).then(() => performance.now() - started);
}

async function coldStarts(): Promise<{ core: number[]; bare: number[] }> {
  const broker = await Mosquitto.start();
  const core: number[] = [];
  const bare: number[] = [];
  try {
    for (let run = 0; run < coldRuns; run++) {
      bare.push(
        await timeProcess(
          ["-e", ""],
          (child) => new Promise((resolve) => child.once("exit", () => resolve())),
        ),
      );
      const dir = mkdtempSync(join(tmpdir(), "sosm-bench-cold-"));
      const configPath = join(dir, "core.json");
      writeFileSync(
        configPath,
        JSON.stringify({
          fleet: "bordeaux",
          vehicle: "BDX-07",
          profile: "bdx-07",
          dataDir: join(dir, "data"),
          gnss: { port: join(dir, "no-receiver") },
          equipment: { port: join(dir, "no-controller") },
          mqtt: { url: broker.url },
          http: { port: 0 },
          logLevel: "error",
        }),
      );
      let child: ReturnType<typeof spawn> | null = null;
      try {
        core.push(
          await timeProcess(
            ["--import", "tsx", join(root, "apps/cli/main.ts"), "core", "--config", configPath],
            async (spawned) => {
              child = spawned;
              await uiReady(join(dir, "data", "kiosk.json"));
            },
          ),
        );
      } finally {
        const running = child as ReturnType<typeof spawn> | null;
        if (running !== null) {
          const exited = new Promise((resolve) => running.once("exit", resolve));
          running.kill("SIGTERM");
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await broker.close();
  }
  return { core, bare };
}

/** kiosk.json written, /healthz 200, and the first state over the WebSocket. */
async function uiReady(handoffPath: string): Promise<void> {
  let handoff: { url: string; token: string } | null = null;
  await waitUntil(
    () => {
      try {
        handoff = JSON.parse(readFileSync(handoffPath, "utf8"));
        return true;
      } catch {
        return false;
      }
    },
    "kiosk.json",
    30_000,
  );
  const { url, token } = handoff as unknown as { url: string; token: string };
  const health = await fetch(new URL("healthz", url));
  if (health.status !== 200) throw new Error(`healthz answered ${health.status}`);
  await new Promise<void>((resolve, reject) => {
    const socket = new WebSocket(`${url.replace("http", "ws")}api/ws`, ["sosm.v1", `sosm.${token}`]);
    socket.once("message", () => {
      socket.close();
      resolve();
    });
    socket.once("error", reject);
  });
}

export async function benchKiosk(): Promise<BenchResult> {
  await ensureRendererBuilt();
  const tap = await tapLatencies();
  const cold = await coldStarts();
  const sortedCore = [...tap.core].sort((a, b) => a - b);
  const sortedBare = [...tap.bare].sort((a, b) => a - b);
  const metrics: BenchMetric[] = [];
  for (const [p, name] of [
    [0.5, "p50"],
    [0.99, "p99"],
  ] as const) {
    const value = percentile(sortedCore, p);
    const base = percentile(sortedBare, p);
    metrics.push({
      label: `status tap (Chromium) → status at dispatch, ${name} of ${tap.core.length}`,
      value,
      unit: "ms",
      baseline: { label: `bare mqtt.js QoS 1 round trip ${name}`, value: base, unit: "ms" },
      ratio: value / base,
      ...(name === "p99" ? { goal: `< ${goalP99Ms} ms on loopback` } : {}),
    });
  }
  const coreMedian = median(cold.core);
  const bareMedian = median(cold.bare);
  metrics.push({
    label: `cold start → UI ready (kiosk.json, healthz, first state), median of ${coldRuns}`,
    value: coreMedian,
    unit: "ms",
    baseline: { label: 'bare `node -e ""` start', value: bareMedian, unit: "ms" },
    ratio: coreMedian / bareMedian,
  });
  return { name: "kiosk", metrics };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchKiosk()
    .then((result) => printBench(result))
    .catch((error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    });
}
