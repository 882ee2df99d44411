import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Fix } from "../../../src/domain/gnss/fix.ts";
import type { DispatchLink, DispatchLinkStatus } from "../../../src/services/dispatch-link.ts";
import { TelemetryReporter } from "../../../src/services/telemetry-reporter.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";
import { TrackRepository } from "../../../src/store/track-repository.ts";

const logger = pino({ level: "silent" });

class FakeLink implements DispatchLink {
  connected = false;
  published: Array<{
    suffix: string;
    body: { points?: Fix[] } & Partial<Fix>;
    qos: number;
    retain: boolean;
  }> = [];
  private statusListeners = new Set<(s: DispatchLinkStatus) => void>();
  start() {}
  async stop() {}
  isConnected() {
    return this.connected;
  }
  status(): DispatchLinkStatus {
    return this.connected
      ? { state: "connected", since: 0 }
      : { state: "offline", since: 0, retryInMs: 1000 };
  }
  onStatus(listener: (s: DispatchLinkStatus) => void) {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
  onCommand() {
    return () => {};
  }
  async publish(suffix: string, payload: string, options: { qos: 0 | 1; retain: boolean }) {
    if (!this.connected) throw new Error("offline");
    this.published.push({ suffix, body: JSON.parse(payload).body, ...options });
  }
  setConnected(connected: boolean) {
    this.connected = connected;
    for (const listener of this.statusListeners) listener(this.status());
  }
}

function fixAt(second: number, lat = 44.84): Fix {
  return {
    fixTime: new Date(Date.UTC(2026, 10, 23, 21, 0, second)).toISOString(),
    lat,
    lon: -0.57,
    fix: "3d",
    speed: 12,
    heading: 90,
  };
}

describe("telemetry reporter", () => {
  let now = 1_000_000;
  let track: TrackRepository;
  let link: FakeLink;
  let emit: (fix: Fix, receivedAt: number) => void;
  let reporter: TelemetryReporter;

  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000_000;
    const { db } = openDatabase({
      path: ":memory:",
      synchronous: "FULL",
      logger,
      migrations: trackMigrations,
    });
    track = new TrackRepository(db);
    link = new FakeLink();
    reporter = new TelemetryReporter({
      vehicle: "BDX-07",
      link,
      track,
      fixes: {
        onFix: (listener) => {
          emit = listener;
          return () => {};
        },
      },
      clock: { now: () => now, monotonic: () => now },
      logger,
      tickMs: 1000,
      coverageGraceMs: 5000,
    });
    reporter.start();
  });
  afterEach(async () => {
    await reporter.stop();
    vi.useRealTimers();
  });

  /** The link comes up a moment after the last fix (a fix received at that very ms counts as live). */
  function connect() {
    now += 1;
    link.setConnected(true);
  }

  /** What the tracker does: store the fix, then tell listeners. */
  function receive(fix: Fix) {
    now += 1000;
    track.append([{ fix, receivedAt: now }]);
    emit(fix, now);
  }

  it("sends nothing while offline, then the newest position first and the track oldest first", async () => {
    for (let s = 0; s < 1200; s++) receive(fixAt(s % 60, 44.84 + s * 1e-5));
    expect(link.published).toHaveLength(0);
    connect();
    await vi.waitFor(() => expect(reporter.stats().backfilledPoints).toBe(1200));
    const [first, ...rest] = link.published;
    expect(first?.suffix).toBe("position");
    expect(first?.body.lat).toBeCloseTo(44.84 + 1199 * 1e-5, 9);
    expect(rest.every((m) => m.suffix === "track" && m.qos === 1 && !m.retain)).toBe(true);
    const points = rest.flatMap((m) => m.body.points ?? []);
    expect(points.map((p) => p.lat)).toEqual(Array.from({ length: 1200 }, (_, s) => 44.84 + s * 1e-5));
    expect(rest.every((m) => (m.body.points ?? []).length <= 500)).toBe(true);
    expect(track.unsentCount()).toBe(0);
  });

  it("reports live fixes under the policy and counts them covered after the grace period", async () => {
    connect();
    await vi.waitFor(() => expect(reporter.stats().backfillRunning).toBe(false));
    for (let s = 0; s < 30; s++) receive(fixAt(s, 44.84 + s * 1e-4));
    const live = link.published.filter((m) => m.suffix === "position");
    expect(live.length).toBeGreaterThan(0);
    expect(live.length).toBeLessThan(30);
    expect(live.every((m) => m.qos === 0 && m.retain)).toBe(true);
    vi.advanceTimersByTime(1000);
    // Everything received more than 5 s ago is covered by the live stream; the newest 5 s are not yet
    // (six fixes: the one received exactly 5 s ago is still within the grace period).
    expect(track.unsentCount()).toBe(6);
  });

  it("backfills the fixes of a silent network cut that the live stream may have missed", async () => {
    connect();
    for (let s = 0; s < 10; s++) receive(fixAt(s));
    // The connection dies before the grace period: nothing of it counts as seen by dispatch.
    link.setConnected(false);
    vi.advanceTimersByTime(10_000);
    expect(track.unsentCount()).toBe(10);
    link.published = [];
    connect();
    await vi.waitFor(() => expect(reporter.stats().backfilledPoints).toBe(10));
    expect(track.unsentCount()).toBe(0);
  });

  it("reports the next fix at once after a status change", async () => {
    connect();
    receive(fixAt(0));
    receive(fixAt(1, 44.84 + 1e-6));
    const before = link.published.filter((m) => m.suffix === "position").length;
    reporter.statusChanged();
    receive(fixAt(2, 44.84 + 2e-6));
    expect(link.published.filter((m) => m.suffix === "position").length).toBe(before + 1);
  });
});
