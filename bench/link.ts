/**
 * Dispatch link benchmarks (issue 3, "Benchmarks" 1 and 2; 3 is bench/link-bytes.ts), on a real
 * mosquitto, a real socat pty pair and a real terminal core (SQLite, synchronous=FULL) in this
 * process, with a dispatch subscriber on loopback.
 *
 *  1. Latency, NMEA line → `position` at dispatch, over 1,000 fixes: write time at the pty, receive
 *     time in the subscriber's message handler. A fix is complete when the receiver's next cycle
 *     starts (src/domain/gnss/fix-assembler.ts), so each write is the RMC + GGA of fix i, and what is
 *     timed is fix i-1, which that write's first line closes. A real 1 Hz receiver adds its own
 *     cycle (1 s) before that line exists; that is the receiver's rhythm, not the link's cost.
 *     The fixes move 300 m every 30 s of GNSS time, so the default patrol policy reports each one
 *     (straightDrive in bench/support/link-rig.ts); the policy itself is not changed.
 *     Baseline: a bare mqtt.js QoS 0 publish → receive of a payload of the same size, same broker,
 *     same subscriber, 1,000 messages. Both run in alternating blocks of 100 so that load from
 *     elsewhere on the machine hits both alike.
 *  2. Drain after 8 h offline at 1 Hz: 28,800 decoded fixes written into the core's track store as
 *     received offline (the fastest honest way: the same rows the tracker writes), then the core
 *     starts, connects, and backfills; timed until dispatch holds every fix, each exactly once.
 *     Baseline: the same number of messages of the same sizes as the car's `track` batches, raw
 *     QoS 1 with mqtt.js, one awaiting its PUBACK at a time as the car sends them; the fully
 *     pipelined figure is shown too. Medians of 3 runs.
 *
 * Run alone: `npx tsx bench/link.ts`; with the others: `npm run bench -- link`.
 */
import { constants, mkdtempSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import mqtt from "mqtt";
import { topicFor } from "../src/contracts/ids.ts";
import type { Fix } from "../src/domain/gnss/fix.ts";
import { Mosquitto } from "../test/support/mosquitto.ts";
import { SocatPair, waitUntil } from "../test/support/socat.ts";
import { type BenchMetric, type BenchResult, printBench } from "./bench-result.ts";
import {
  buildCore,
  deferred,
  fleet,
  median,
  percentile,
  recordedFixes,
  straightDrive,
  vehicle,
} from "./support/link-rig.ts";

const measuredFixes = 1000;
const blockSize = 100;
const warmup = 50;
const offlineFixes = 8 * 3600;
const drainRuns = 3;
const drainGoalS = 10;
const positionTopic = topicFor(fleet, vehicle, "position");
const trackTopic = topicFor(fleet, vehicle, "track");
const bareTopic = "bench/bare/position";

type Match = (
  topic: string,
  message: { i?: number; body?: { fixTime?: string } },
  retained: boolean,
) => boolean;

async function latency(broker: Mosquitto): Promise<BenchMetric[]> {
  const dir = mkdtempSync(join(tmpdir(), "sosm-bench-latency-"));
  const pair = await SocatPair.start();
  const core = buildCore({ dir, brokerUrl: broker.url, gnssPort: pair.b });
  const dispatch = await mqtt.connectAsync(broker.url, {
    clientId: "sosm-bench-dispatch",
    protocolVersion: 5,
  });
  const bare = await mqtt.connectAsync(broker.url, { clientId: "sosm-bench-bare", protocolVersion: 5 });
  let pending: { match: Match; arrived: (at: number) => void } | null = null;
  let positionBytes = 0;
  dispatch.on("message", (topic, payload, packet) => {
    const at = performance.now();
    const message = JSON.parse(payload.toString());
    if (pending?.match(topic, message, packet.retain)) {
      if (topic === positionTopic) positionBytes = payload.byteLength;
      pending.arrived(at);
      pending = null;
    }
  });
  await dispatch.subscribeAsync({ [positionTopic]: { qos: 0 }, [bareTopic]: { qos: 0 } });
  const awaitMessage = (match: Match, what: string) => {
    const arrival = deferred<number>(10_000, what);
    pending = { match, arrived: arrival.resolve };
    return arrival.promise;
  };

  let gnss: Awaited<ReturnType<typeof open>> | null = null;
  try {
    core.start();
    await waitUntil(
      () => core.dispatch.link.isConnected() && core.tracker.linkStatus().state === "connected",
      "the core online with its receiver",
      20_000,
    );
    const receiver = await open(pair.a, constants.O_WRONLY | constants.O_NOCTTY);
    gnss = receiver;
    const drive = straightDrive(Math.floor(Date.now() / 1000) * 1000 - 12 * 3_600_000);
    let current = drive.next().value as { timeMs: number; text: string };
    await receiver.write(current.text);
    const nextFix = async (): Promise<number> => {
      const closed = current.timeMs;
      current = drive.next().value as { timeMs: number; text: string };
      const arrival = awaitMessage(
        (topic, m, retained) =>
          topic === positionTopic && !retained && Date.parse(m.body?.fixTime ?? "") === closed,
        `the position of ${new Date(closed).toISOString()}`,
      );
      const written = performance.now();
      await receiver.write(current.text);
      return (await arrival) - written;
    };
    let padding = "";
    const nextBare = async (i: number): Promise<number> => {
      const arrival = awaitMessage((topic, m) => topic === bareTopic && m.i === i, `bare message ${i}`);
      const sent = performance.now();
      bare.publish(bareTopic, JSON.stringify({ i, padding }), { qos: 0 });
      return (await arrival) - sent;
    };

    for (let i = 0; i < warmup; i++) await nextFix();
    // Same size as the car's position envelope, so that only the path differs.
    padding = "x".repeat(Math.max(0, positionBytes - JSON.stringify({ i: 0, padding: "" }).length));
    for (let i = 0; i < warmup; i++) await nextBare(-1 - i);
    const viaCore: number[] = [];
    const viaBare: number[] = [];
    for (let block = 0; block < measuredFixes / blockSize; block++) {
      for (let i = 0; i < blockSize; i++) viaBare.push(await nextBare(block * blockSize + i));
      for (let i = 0; i < blockSize; i++) viaCore.push(await nextFix());
    }
    viaCore.sort((a, b) => a - b);
    viaBare.sort((a, b) => a - b);
    const row = (label: string, p: number): BenchMetric => {
      const value = percentile(viaCore, p);
      const base = percentile(viaBare, p);
      return {
        label,
        value,
        unit: "ms",
        baseline: {
          label: `bare mqtt.js QoS 0 publish→receive, ${positionBytes} B`,
          value: base,
          unit: "ms",
        },
        ratio: value / base,
      };
    };
    return [
      row(`NMEA line → position at dispatch, p50 of ${viaCore.length} fixes`, 0.5),
      row(`NMEA line → position at dispatch, p99 of ${viaCore.length} fixes`, 0.99),
    ];
  } finally {
    await gnss?.close();
    await core.stop();
    await dispatch.endAsync();
    await bare.endAsync();
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Drain {
  seconds: number;
  connectSeconds: number;
  batchBytes: number[];
  duplicates: number;
}

/** One drain: the track stored offline, then the core starts and backfills it to dispatch. */
async function drain(broker: Mosquitto, fixes: readonly Fix[], run: number): Promise<Drain> {
  const dir = mkdtempSync(join(tmpdir(), "sosm-bench-drain-"));
  const core = buildCore({ dir, brokerUrl: broker.url });
  const now = Date.now();
  core.track.append(fixes.map((fix, i) => ({ fix, receivedAt: now - (fixes.length - i) * 1000 })));
  const dispatch = await mqtt.connectAsync(broker.url, {
    clientId: `sosm-bench-drain-${run}`,
    protocolVersion: 5,
  });
  const held = new Map<string, number>();
  const batchBytes: number[] = [];
  const complete = deferred<number>(120_000, "dispatch holding the whole track");
  dispatch.on("message", (_topic, payload) => {
    const at = performance.now();
    batchBytes.push(payload.byteLength);
    for (const point of (JSON.parse(payload.toString()) as { body: { points: Fix[] } }).body.points)
      held.set(point.fixTime, (held.get(point.fixTime) ?? 0) + 1);
    if (held.size === fixes.length) complete.resolve(at);
  });
  await dispatch.subscribeAsync(trackTopic, { qos: 1 });
  let connectedAt = Number.NaN;
  core.dispatch.link.onStatus((status) => {
    if (status.state === "connected" && Number.isNaN(connectedAt)) connectedAt = performance.now();
  });
  try {
    const started = performance.now();
    core.start();
    const done = await complete.promise;
    await waitUntil(() => !core.dispatch.reporter.stats().backfillRunning, "the backfill finished", 30_000);
    if (core.track.unsentCount() !== 0) throw new Error(`${core.track.unsentCount()} fixes still unsent`);
    const duplicates = [...held.values()].reduce((sum, n) => sum + n - 1, 0);
    return {
      seconds: (done - started) / 1000,
      connectSeconds: (connectedAt - started) / 1000,
      batchBytes,
      duplicates,
    };
  } finally {
    await core.stop();
    await dispatch.endAsync();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same messages as raw QoS 1 publishes: time from the first publish to the last reception. */
async function rawQos1(broker: Mosquitto, sizes: readonly number[], pipelined: boolean): Promise<number> {
  const topic = `bench/bare/track/${pipelined ? "pipelined" : "sequential"}`;
  const publisher = await mqtt.connectAsync(broker.url, {
    clientId: "sosm-bench-raw-pub",
    protocolVersion: 5,
  });
  const subscriber = await mqtt.connectAsync(broker.url, {
    clientId: "sosm-bench-raw-sub",
    protocolVersion: 5,
  });
  let received = 0;
  const complete = deferred<number>(120_000, "the raw messages");
  subscriber.on("message", () => {
    if (++received === sizes.length) complete.resolve(performance.now());
  });
  await subscriber.subscribeAsync(topic, { qos: 1 });
  const payloads = sizes.map((size) => Buffer.alloc(size, 0x61));
  try {
    const started = performance.now();
    if (pipelined) await Promise.all(payloads.map((p) => publisher.publishAsync(topic, p, { qos: 1 })));
    else for (const p of payloads) await publisher.publishAsync(topic, p, { qos: 1 });
    return ((await complete.promise) - started) / 1000;
  } finally {
    await publisher.endAsync();
    await subscriber.endAsync();
  }
}

async function drainMetrics(broker: Mosquitto): Promise<BenchMetric[]> {
  const fixes = recordedFixes(offlineFixes, Math.floor(Date.now() / 1000) * 1000 - 9 * 3_600_000);
  const runs: Drain[] = [];
  const sequential: number[] = [];
  const pipelined: number[] = [];
  for (let run = 0; run < drainRuns; run++) {
    const result = await drain(broker, fixes, run);
    runs.push(result);
    sequential.push(await rawQos1(broker, result.batchBytes, false));
    pipelined.push(await rawQos1(broker, result.batchBytes, true));
  }
  const seconds = median(runs.map((r) => r.seconds));
  const baseline = median(sequential);
  const fastest = median(pipelined);
  const last = runs.at(-1) as Drain;
  const bytes = last.batchBytes.reduce((sum, n) => sum + n, 0);
  return [
    {
      label: `drain after 8 h offline: ${offlineFixes} fixes, core start → dispatch holds all`,
      value: seconds,
      unit: "s",
      baseline: {
        label: `raw QoS 1, same ${last.batchBytes.length} sizes, 1 in flight`,
        value: baseline,
        unit: "s",
      },
      ratio: seconds / baseline,
      goal: `< ${drainGoalS} s`,
    },
    {
      label: "drain, against raw QoS 1 fully pipelined",
      value: seconds,
      unit: "s",
      baseline: { label: "raw QoS 1, all in flight", value: fastest, unit: "s" },
      ratio: seconds / fastest,
    },
    {
      label: "drain: of which connecting (start → CONNACK)",
      value: median(runs.map((r) => r.connectSeconds)),
      unit: "s",
    },
    { label: "drain: track batches (≤ 500 points, ≤ 64 KiB)", value: last.batchBytes.length, unit: "msgs" },
    { label: "drain: track bytes on the wire (payloads)", value: bytes, unit: "B" },
    {
      label: "drain: fixes received more than once (all runs)",
      value: runs.reduce((sum, r) => sum + r.duplicates, 0),
      unit: "fixes",
      goal: "0",
    },
  ];
}

export async function benchLink(): Promise<BenchResult> {
  const broker = await Mosquitto.start();
  try {
    const metrics = [...(await latency(broker)), ...(await drainMetrics(broker))];
    return { name: "link: live position latency and offline drain (real mosquitto, pty, core)", metrics };
  } finally {
    await broker.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  benchLink()
    .then((result) => printBench(result))
    .catch((error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    });
}
