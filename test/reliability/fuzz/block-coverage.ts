/**
 * Block coverage of a set of source files, read from V8 through `node:inspector`
 * (Profiler.startPreciseCoverage with `detailed` block coverage and `callCount`).
 *
 * V8 reports, per function, a list of nested ranges with execution counts, and merges a nested
 * range into its parent when both ran as often (MergeNestedRanges in V8's debug-coverage.cc): a
 * block that ran disappears from the report as often as it shows up. So a block's count is the
 * count of the innermost reported range that contains it, and the set of blocks is what has ever
 * been reported (`known`). Each take() resets V8's counters (callCount mode), so it returns the
 * features of what ran since the previous take():
 *   `b<id>`        block <id> ran;
 *   `h<id>:<k>`    block <id> ran a number of times in bucket k (1, 2, 3, 4-7, 8-15, 16-31,
 *                  32-127, 128+), AFL's hit-count buckets: a loop that runs longer is news too.
 * The same-thread inspector session answers synchronously, so take() is synchronous.
 */
import { Session } from "node:inspector";

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  functionName: string;
  ranges: Range[];
}
interface ScriptCoverage {
  url: string;
  functions: FunctionCoverage[];
}

function bucket(count: number): number {
  if (count <= 3) return count;
  if (count < 8) return 4;
  if (count < 16) return 5;
  if (count < 32) return 6;
  if (count < 128) return 7;
  return 8;
}

export class BlockCoverage {
  private readonly session = new Session();
  /** Known blocks per function (`url|functionStart`): range key → block id. */
  private readonly known = new Map<string, Map<string, { id: number; start: number; end: number }>>();
  private nextId = 0;
  private started = false;

  /** @param sources path fragments (`/src/io/gnss/`) of the files whose blocks count */
  constructor(private readonly sources: readonly string[]) {}

  start(): void {
    if (this.started) return;
    this.session.connect();
    this.post("Profiler.enable");
    this.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
    this.started = true;
  }

  stop(): void {
    if (!this.started) return;
    this.post("Profiler.stopPreciseCoverage");
    this.post("Profiler.disable");
    this.session.disconnect();
    this.started = false;
  }

  /** Blocks ever reported in the target's files (covered or not). */
  get blocksKnown(): number {
    return this.nextId;
  }

  /** The features of everything that ran since the last call; resets V8's counters. */
  take(): string[] {
    const { result } = this.post("Profiler.takePreciseCoverage") as { result: ScriptCoverage[] };
    const features: string[] = [];
    for (const script of result) {
      if (!this.sources.some((fragment) => script.url.includes(fragment))) continue;
      for (const fn of script.functions) this.collect(script.url, fn, features);
    }
    return features;
  }

  private collect(url: string, fn: FunctionCoverage, features: string[]): void {
    const first = fn.ranges[0];
    if (first === undefined || first.count === 0) return;
    const key = `${url}|${first.startOffset}`;
    let blocks = this.known.get(key);
    if (blocks === undefined) {
      blocks = new Map();
      this.known.set(key, blocks);
    }
    for (const range of fn.ranges) {
      const rangeKey = `${range.startOffset}-${range.endOffset}`;
      if (!blocks.has(rangeKey))
        blocks.set(rangeKey, { id: this.nextId++, start: range.startOffset, end: range.endOffset });
    }
    for (const block of blocks.values()) {
      // Innermost reported range that contains the block: the latest start, then the earliest end.
      let count = 0;
      let bestStart = -1;
      let bestEnd = Number.POSITIVE_INFINITY;
      for (const range of fn.ranges) {
        if (range.startOffset > block.start || range.endOffset < block.end) continue;
        if (range.startOffset > bestStart || (range.startOffset === bestStart && range.endOffset < bestEnd)) {
          bestStart = range.startOffset;
          bestEnd = range.endOffset;
          count = range.count;
        }
      }
      if (count > 0) features.push(`b${block.id}`, `h${block.id}:${bucket(count)}`);
    }
  }

  private post(method: string, params: object = {}): unknown {
    let answer: unknown;
    let failure: Error | null = null;
    this.session.post(method, params, (error, result) => {
      failure = error;
      answer = result;
    });
    if (failure !== null) throw failure;
    return answer;
  }
}
