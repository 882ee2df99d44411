/**
 * A small coverage-guided fuzzer (issue 9), in the spirit of libFuzzer/AFL but in-process on plain
 * Node: jazzer.js would need its native prebuilt binaries from the network.
 *
 * Loop: run every seed, keep those that reach new blocks; then, until the time is up, pick a corpus
 * entry, mutate it (mutators.ts: havoc, and the target's structure-aware mutation), sometimes let
 * the target repair it (a recomputed checksum or Content-Length, so that the mutant passes the cheap
 * outer check and reaches the parser behind it), run it, and keep it when V8's block coverage of
 * the target's own files (block-coverage.ts) shows a feature never seen before.
 *
 * A crash is whatever the target says it is (FuzzTarget.exec throws): a throw out of a function
 * documented as non-throwing, a broken invariant, an error logged by the code under test, a server
 * that stops answering. Each distinct crash (by its message's first line) is saved once to
 * `crashDir` as `<target>-<sha1>.bin` plus a `.txt` with the reason, and the run goes on.
 * Memory: the heap is measured after a forced GC (node --expose-gc) once the seeds have run, every
 * `sampleEveryMs`, and at the end.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BlockCoverage } from "./block-coverage.ts";
import { havoc, Rng } from "./mutators.ts";

export interface FuzzTarget {
  name: string;
  /** Path fragments of the files whose blocks guide the search (`/src/io/gnss/`). */
  sources: readonly string[];
  /** Longest input kept (bytes). */
  maxInputBytes: number;
  /** Tokens the mutator inserts (`$GP`, `*`, field names...). */
  dictionary: readonly string[];
  setup?(): Promise<void>;
  /** Real inputs to start from (captures, emulator lines, real commands). */
  seeds(): Uint8Array[];
  /** Structure-aware mutation (JSON trees...); null when it does not apply to this input. */
  mutate?(input: Uint8Array, rng: Rng): Uint8Array | null;
  /** Repairs a mutant so that it passes the outer check (checksum, length); used half the time. */
  fixup?(input: Uint8Array, rng: Rng): Uint8Array;
  /** Runs one input; throws when the target crashed on it. */
  exec(input: Uint8Array): void | Promise<void>;
  /** Throws when the target no longer works (a server that stopped answering). */
  alive?(): Promise<void>;
  teardown?(): Promise<void>;
}

/** Thrown by a target when an invariant breaks (as opposed to the code under test throwing). */
export class FuzzCrash extends Error {
  override name = "FuzzCrash";
}

export interface CrashRecord {
  signature: string;
  message: string;
  file: string;
  /** How many inputs hit the same crash. */
  hits: number;
}

export interface TimelinePoint {
  /** Seconds since the start of the run. */
  t: number;
  execs: number;
  corpus: number;
  blocks: number;
  /** Heap after forced GC, MiB (only at memory samples). */
  heapMiB?: number;
}

export interface FuzzReport {
  target: string;
  seed: number;
  seconds: number;
  execs: number;
  execsPerSecond: number;
  seedsRun: number;
  corpus: number;
  corpusBytes: number;
  blocksCovered: number;
  blocksKnown: number;
  blocksAfterSeeds: number;
  features: number;
  crashes: CrashRecord[];
  /** Heap after forced GC: after the seeds, at the end, the largest sample, growth (MiB). */
  heap: { startMiB: number; endMiB: number; maxMiB: number; growthMiB: number };
  rssMiB: number;
  timeline: TimelinePoint[];
}

export interface FuzzOptions {
  seconds: number;
  seed: number;
  crashDir: string;
  maxCorpus?: number;
  /** Per-exec time limit for async targets (a hang is a crash). */
  execTimeoutMs?: number;
  sampleEveryMs?: number;
  /** End the run at the first crash (the fuzzer's self-check). */
  stopOnCrash?: boolean;
  /** Called with each timeline point (progress lines). */
  onProgress?: (point: TimelinePoint) => void;
}

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run the fuzzer with node --expose-gc");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function withTimeout(run: () => void | Promise<void>, ms: number): Promise<void> {
  const result = run();
  if (!(result instanceof Promise)) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      result,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new FuzzCrash(`hang: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function fuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const rng = new Rng(options.seed);
  const coverage = new BlockCoverage(target.sources);
  const seen = new Set<string>();
  const blocks = new Set<string>();
  const corpus: Uint8Array[] = [];
  const crashes = new Map<string, CrashRecord>();
  const timeline: TimelinePoint[] = [];
  const dictionary = target.dictionary.map((token) => new TextEncoder().encode(token));
  const maxCorpus = options.maxCorpus ?? 4096;
  const execTimeoutMs = options.execTimeoutMs ?? 10_000;
  let execs = 0;
  let current: Uint8Array = new Uint8Array();
  // An exception thrown later by a callback of the code under test (a server handler) is a crash of
  // whatever ran last: the real core process would have died of it.
  const late: unknown[] = [];
  const onLate = (error: unknown) => late.push(error);
  process.on("uncaughtException", onLate);
  process.on("unhandledRejection", onLate);
  // process.exit() from the code under test: keep the input that did it (a signal leaves no chance).
  let running = true;
  const onExit = (code: number) => {
    if (running) recordCrash(new FuzzCrash(`the process exited (code ${code}) during this input`), current);
  };
  process.on("exit", onExit);

  const recordCrash = (error: unknown, input: Uint8Array) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const signature = message.split("\n")[0]?.replace(/\d+/g, "N").slice(0, 200) ?? "?";
    const known = crashes.get(signature);
    if (known) {
      known.hits++;
      return;
    }
    const hash = createHash("sha1").update(input).digest("hex").slice(0, 16);
    mkdirSync(options.crashDir, { recursive: true });
    const file = join(options.crashDir, `${target.name}-${hash}.bin`);
    writeFileSync(file, input);
    const stack = error instanceof Error ? (error.stack ?? "") : "";
    writeFileSync(`${file.slice(0, -4)}.txt`, `${message}\n\n${stack}\n`);
    crashes.set(signature, { signature, message: message.slice(0, 2000), file, hits: 1 });
  };

  /** Runs one input; returns true when it reached something new (and is kept). */
  const run = async (input: Uint8Array): Promise<boolean> => {
    current = input;
    execs++;
    try {
      await withTimeout(() => target.exec(input), execTimeoutMs);
    } catch (error) {
      recordCrash(error, input);
    }
    for (const error of late.splice(0)) recordCrash(error, current);
    let fresh = false;
    for (const feature of coverage.take()) {
      if (seen.has(feature)) continue;
      seen.add(feature);
      fresh = true;
      if (feature.startsWith("b")) blocks.add(feature);
    }
    return fresh;
  };

  const keep = (input: Uint8Array) => {
    if (corpus.length < maxCorpus) corpus.push(input);
    else corpus[rng.below(corpus.length)] = input;
  };

  await target.setup?.();
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const elapsed = () => (performance.now() - started) / 1000;
  coverage.start();
  coverage.take(); // what setup ran is not the inputs' doing
  let seedsRun = 0;
  try {
    for (const seed of target.seeds()) {
      if (performance.now() > deadline && corpus.length > 0) break;
      seedsRun++;
      const input = seed.subarray(0, target.maxInputBytes);
      if ((await run(input)) || corpus.length === 0) keep(input);
    }
    const blocksAfterSeeds = blocks.size;
    const heapStart = heapAfterGc();
    let heapMax = heapStart;
    const sampleEveryMs = options.sampleEveryMs ?? Math.max(1000, (options.seconds * 1000) / 20);
    let nextPoint = performance.now() + Math.min(1000, sampleEveryMs);
    let nextSample = performance.now() + sampleEveryMs;
    const point = (withHeap: boolean) => {
      const p: TimelinePoint = {
        t: Math.round(elapsed() * 10) / 10,
        execs,
        corpus: corpus.length,
        blocks: blocks.size,
      };
      if (withHeap) {
        const heap = heapAfterGc();
        heapMax = Math.max(heapMax, heap);
        p.heapMiB = mib(heap);
      }
      timeline.push(p);
      options.onProgress?.(p);
    };
    point(true);
    const context = { dictionary, other: () => rng.pick(corpus) };
    while (performance.now() < deadline && !(options.stopOnCrash && crashes.size > 0)) {
      const parent = rng.pick(corpus);
      let child = (rng.chance(0.3) ? target.mutate?.(parent, rng) : null) ?? havoc(parent, rng, context);
      if (target.fixup && rng.chance(0.5)) child = target.fixup(child, rng);
      if (child.length > target.maxInputBytes) child = child.subarray(0, target.maxInputBytes);
      if (await run(child)) keep(new Uint8Array(child));
      const now = performance.now();
      if (now >= nextPoint) {
        const sample = now >= nextSample;
        if (sample) nextSample = now + sampleEveryMs;
        nextPoint = now + Math.min(1000, sampleEveryMs);
        point(sample);
        if (target.alive) await target.alive().catch((error: unknown) => recordCrash(error, current));
      }
    }
    if (target.alive) await target.alive().catch((error: unknown) => recordCrash(error, current));
    point(true);
    const heapEnd = heapAfterGc();
    heapMax = Math.max(heapMax, heapEnd);
    const seconds = elapsed();
    return {
      target: target.name,
      seed: options.seed,
      seconds: Math.round(seconds * 10) / 10,
      execs,
      execsPerSecond: Math.round(execs / seconds),
      seedsRun,
      corpus: corpus.length,
      corpusBytes: corpus.reduce((n, input) => n + input.length, 0),
      blocksCovered: blocks.size,
      blocksKnown: coverage.blocksKnown,
      blocksAfterSeeds,
      features: seen.size,
      crashes: [...crashes.values()],
      heap: {
        startMiB: mib(heapStart),
        endMiB: mib(heapEnd),
        maxMiB: mib(heapMax),
        growthMiB: mib(heapEnd - heapStart),
      },
      rssMiB: mib(process.memoryUsage().rss),
      timeline,
    };
  } finally {
    running = false;
    coverage.stop();
    process.off("exit", onExit);
    process.off("uncaughtException", onLate);
    process.off("unhandledRejection", onLate);
    await target.teardown?.();
  }
}
