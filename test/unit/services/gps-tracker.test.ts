import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Fix } from "../../../src/domain/gnss/fix.ts";
import { type FixDecoder, GpsTracker } from "../../../src/services/gps-tracker.ts";
import type { LineSource, LinkStatus } from "../../../src/services/ports.ts";
import type { TrackEntry } from "../../../src/services/track-store.ts";

const logger = pino({ level: "silent" });

function fakeSource() {
  let lineListener: ((line: string, at: number) => void) | null = null;
  const status: LinkStatus = { state: "connected", path: "/dev/test", since: 0 };
  const source: LineSource = {
    start: () => {},
    stop: async () => {},
    onLine: (listener) => {
      lineListener = listener;
      return () => {
        lineListener = null;
      };
    },
    onStatus: () => () => {},
    status: () => status,
    writeLine: async () => {},
  };
  return { source, emit: (line: string, at = Date.now()) => lineListener?.(line, at) };
}

/** Each line "fix:N" yields one fix; anything else yields none. */
const decoder: FixDecoder = {
  push: (line) =>
    line.startsWith("fix:")
      ? [
          {
            fixTime: new Date(Number(line.slice(4)) * 1000).toISOString(),
            lat: 44.8,
            lon: -0.57,
            fix: "3d",
          } as Fix,
        ]
      : [],
  counts: () => ({}),
  satellites: () => ({ used: 9, inView: { GP: 9 } }),
  lastSentenceAt: () => null,
};

describe("GPS tracker", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("writes fixes in batches: at most one second after the first fix of a batch", () => {
    const batches: TrackEntry[][] = [];
    const { source, emit } = fakeSource();
    const tracker = new GpsTracker({
      source,
      decoder,
      track: { append: (b) => batches.push([...b]) },
      clock: { now: Date.now, monotonic: () => 0 },
      logger,
    });
    tracker.start();
    emit("fix:1");
    emit("noise");
    emit("fix:2");
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(1000);
    expect(batches.map((b) => b.length)).toEqual([2]);
  });

  it("writes at once when a batch is full", () => {
    const batches: TrackEntry[][] = [];
    const { source, emit } = fakeSource();
    const tracker = new GpsTracker({
      source,
      decoder,
      track: { append: (b) => batches.push([...b]) },
      clock: { now: Date.now, monotonic: () => 0 },
      logger,
      batch: { maxFixes: 3 },
    });
    tracker.start();
    for (let i = 1; i <= 7; i++) emit(`fix:${i}`);
    expect(batches.map((b) => b.length)).toEqual([3, 3]);
  });

  it("keeps fixes in memory and retries when the disk refuses them, then stores them all", () => {
    const stored: TrackEntry[] = [];
    let diskFull = true;
    const { source, emit } = fakeSource();
    const tracker = new GpsTracker({
      source,
      decoder,
      track: {
        append: (b) => {
          if (diskFull) throw new Error("SQLITE_FULL");
          stored.push(...b);
        },
      },
      clock: { now: Date.now, monotonic: () => 0 },
      logger,
    });
    tracker.start();
    emit("fix:1");
    vi.advanceTimersByTime(1000);
    emit("fix:2");
    vi.advanceTimersByTime(1000);
    expect(stored).toHaveLength(0);
    diskFull = false;
    vi.advanceTimersByTime(1000);
    expect(stored.map((e) => e.fix.fixTime)).toEqual([
      new Date(1000).toISOString(),
      new Date(2000).toISOString(),
    ]);
  });

  it("isolates a failing fix listener from the others and from storage", () => {
    const { source, emit } = fakeSource();
    const seen: string[] = [];
    const tracker = new GpsTracker({
      source,
      decoder,
      track: { append: () => {} },
      clock: { now: Date.now, monotonic: () => 0 },
      logger,
    });
    tracker.onFix(() => {
      throw new Error("boom");
    });
    tracker.onFix((fix) => seen.push(fix.fixTime));
    tracker.start();
    emit("fix:5");
    expect(seen).toHaveLength(1);
    expect(tracker.latestFix()?.fixTime).toBe(new Date(5000).toISOString());
  });
});
