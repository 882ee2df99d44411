/**
 * Found by the chaos suite (test/reliability/chaos): the backfill and the live-stream coverage used
 * to compare wall-clock receive times with the wall clock, so a jump of the system clock left fixes
 * neither backfilled nor covered, then counted them covered an hour later without sending them.
 * They now go by GNSS time and the monotonic clock.
 */
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Fix } from "../../../src/domain/gnss/fix.ts";
import type { DispatchLink, DispatchLinkStatus } from "../../../src/services/dispatch-link.ts";
import { TelemetryReporter } from "../../../src/services/telemetry-reporter.ts";
import { openDatabase } from "../../../src/store/database.ts";
import { trackMigrations } from "../../../src/store/track-migrations.ts";
import { TrackRepository } from "../../../src/store/track-repository.ts";

const hour = 3_600_000;

/** Just enough of a link: connected or not, and what went out on `track`. */
function fakeLink() {
  let connected = false;
  const listeners = new Set<(s: DispatchLinkStatus) => void>();
  const tracked: string[] = [];
  const link: DispatchLink = {
    start() {},
    async stop() {},
    isConnected: () => connected,
    status: () =>
      connected ? { state: "connected", since: 0 } : { state: "offline", since: 0, retryInMs: 1 },
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onCommand: () => () => {},
    async publish(suffix, payload) {
      if (!connected) throw new Error("offline");
      if (suffix === "track")
        tracked.push(...(JSON.parse(payload).body.points as Fix[]).map((point) => point.fixTime));
    },
  };
  const set = (up: boolean) => {
    connected = up;
    for (const listener of listeners) listener(link.status());
  };
  return { link, tracked, set };
}

describe("telemetry reporter and a jumping system clock", () => {
  let wall = Date.UTC(2026, 10, 23, 21, 0, 0);
  let mono = 0;
  let track: TrackRepository;
  let link: ReturnType<typeof fakeLink>;
  let emit: (fix: Fix, receivedAt: number) => void = () => {};
  let reporter: TelemetryReporter;
  let gnss = Date.UTC(2026, 10, 23, 21, 0, 0);

  beforeEach(() => {
    vi.useFakeTimers();
    const { db } = openDatabase({
      path: ":memory:",
      synchronous: "FULL",
      logger: pino({ level: "silent" }),
      migrations: trackMigrations,
    });
    track = new TrackRepository(db);
    link = fakeLink();
    reporter = new TelemetryReporter({
      vehicle: "BDX-07",
      link: link.link,
      track,
      fixes: {
        onFix: (listener) => {
          emit = listener;
          return () => {};
        },
      },
      clock: { now: () => wall, monotonic: () => mono },
      logger: pino({ level: "silent" }),
      tickMs: 1000,
      coverageGraceMs: 20_000,
    });
    reporter.start();
  });
  afterEach(async () => {
    await reporter.stop();
    vi.useRealTimers();
  });

  /** One fix a second, as the tracker does it: stored with the (possibly wrong) wall clock, then told. */
  function receive(count: number): string[] {
    const times: string[] = [];
    for (let n = 0; n < count; n++) {
      gnss += 1000;
      wall += 1000;
      mono += 1000;
      const fix: Fix = { fixTime: new Date(gnss).toISOString(), lat: 44.84, lon: -0.57, fix: "3d" };
      track.append([{ fix, receivedAt: wall }]);
      emit(fix, wall);
      times.push(fix.fixTime);
    }
    return times;
  }

  it("backfills the fixes received offline while the clock was an hour ahead", async () => {
    wall += hour;
    const offline = receive(10);
    wall -= hour; // corrected before the link comes back
    link.set(true);
    await vi.waitFor(() => expect(link.tracked).toEqual(offline));
    expect(track.unsentCount()).toBe(0);
  });

  it("does not count as covered what the live stream had no time to carry when the clock jumps ahead", async () => {
    link.set(true);
    await vi.waitFor(() => expect(reporter.stats().backfillRunning).toBe(false));
    receive(3);
    wall += hour;
    vi.advanceTimersByTime(1000);
    // Received 1 to 3 s ago (monotonic): not yet past the 20 s grace, whatever the wall clock says.
    expect(track.unsentCount()).toBe(3);
    link.set(false);
    link.set(true);
    await vi.waitFor(() => expect(track.unsentCount()).toBe(0));
    expect(link.tracked).toHaveLength(3);
  });
});
