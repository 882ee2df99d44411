import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { FileLineSource, nmeaTimeOfDayMs, type ReplayPacing } from "../../../src/io/file-line-source.ts";
import type { Clock } from "../../../src/services/ports.ts";

const dir = mkdtempSync(join(tmpdir(), "sosm-replay-"));
const gpsd = "/work/shared/nmea/gpsd";
const logger = pino({ level: "silent" });
const fakeClock: Clock = { now: () => Date.now(), monotonic: () => Date.now() };

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.useRealTimers();
});

function capture(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Starts a replay and records each line with the fake time (ms since start) it arrived at. */
async function play(path: string, pacing: ReplayPacing, extra: { loop?: boolean; maxGapMs?: number } = {}) {
  const source = new FileLineSource({ path, logger, pacing, clock: fakeClock, ...extra });
  const t0 = Date.now();
  const seen: Array<[number, string]> = [];
  source.onLine((line) => seen.push([Date.now() - t0, line]));
  const playing = new Promise<void>((resolve) => {
    source.onStatus((s) => s.state !== "connecting" && resolve());
  });
  source.start();
  await playing; // the file is read with real I/O; pacing starts once it is loaded
  return { source, seen };
}

describe("FileLineSource", () => {
  it("replays a real gpsd capture as fast as possible, skipping # comments, then stops", async () => {
    const path = join(gpsd, "GPSmap-76S.log");
    const expected = readFileSync(path, "latin1")
      .split(/[\r\n]+/)
      .filter((l) => l !== "" && !l.startsWith("#"));
    const source = new FileLineSource({ path, logger, pacing: { kind: "fast" } });
    const lines: string[] = [];
    source.onLine((line) => lines.push(line));
    source.start();
    await source.whenFinished();
    expect(lines).toEqual(expected);
    expect(source.captureDate).toBe("2011-10-24");
    expect(source.status()).toMatchObject({ state: "stopped" });
    expect(source.status()).not.toHaveProperty("lastError", expect.anything());
  });

  it("yields to the event loop between batches when replaying fast", async () => {
    const path = capture("many.nmea", Array.from({ length: 2500 }, (_, i) => `$L${i}\r\n`).join(""));
    const source = new FileLineSource({ path, logger, pacing: { kind: "fast" } });
    const lines: string[] = [];
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    source.onLine((line) => lines.push(line));
    source.start();
    await source.whenFinished();
    clearInterval(ticker);
    expect(lines).toHaveLength(2500);
    expect(lines.at(-1)).toBe("$L2499");
    expect(ticks).toBeGreaterThan(0);
  });

  it("reads the # Date header in its `:` and `=` forms and pads short months", async () => {
    expect(await FileLineSource.readCaptureDate(capture("d1.log", "# Date: 2019-3-14\n$GPZDA\n"))).toBe(
      "2019-03-14",
    );
    expect(await FileLineSource.readCaptureDate(capture("d2.log", "# Date = 2015-03-10\r\n"))).toBe(
      "2015-03-10",
    );
    expect(await FileLineSource.readCaptureDate(capture("d3.log", "$GPGGA,1\n"))).toBeNull();
    expect(await FileLineSource.readCaptureDate(join(gpsd, "GPSmap-76S.log"))).toBe("2011-10-24");
  });

  it("paces cycles at the recorded rate divided by the speed factor", async () => {
    vi.useFakeTimers({ now: 0 });
    const path = capture(
      "cycles.nmea",
      [
        "# Date: 2024-05-01",
        "$GPRMC,120000.00,A,4807.038,N,01131.000,E,0,0,010524,,*00",
        "$GPGSA,A,3,,,*00", // no time: same cycle as the line before
        "$GPGGA,120001.00,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*00",
        "$GNGLL,4807.038,N,01131.000,E,120003.50,A,A*00", // GLL carries its time in field 5
        "$GPZDA,120004.00,01,05,2024,00,00*00",
      ].join("\r\n"),
    );
    const { seen } = await play(path, { kind: "recorded", speed: 10 });
    expect(seen.map(([t]) => t)).toEqual([0, 0]);
    await vi.advanceTimersByTimeAsync(99);
    expect(seen).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.at(-1)).toEqual([100, expect.stringContaining("GPGGA")]);
    await vi.advanceTimersByTimeAsync(400);
    expect(seen.map(([t]) => t)).toEqual([0, 0, 100, 350, 400]);
  });

  it("crosses midnight, does not stall on a clock stepping back, and clamps long gaps", async () => {
    vi.useFakeTimers({ now: 0 });
    const path = capture(
      "jumps.nmea",
      [
        "$GPZDA,235959.00,,,,,",
        "$GPZDA,000001.00,,,,,",
        "$GPZDA,000000.00,,,,,",
        "$GPZDA,030000.00,,,,,",
      ].join("\n"),
    );
    const { seen, source } = await play(path, { kind: "recorded", speed: 1 }, { maxGapMs: 5000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen.map(([t]) => t)).toEqual([0, 2000, 2000, 7000]);
    expect(source.status().state).toBe("stopped");
  });

  it("emits at a fixed line rate", async () => {
    vi.useFakeTimers({ now: 0 });
    const path = capture("rate.nmea", "$A\n$B\r$C\r\n$D\n");
    const { seen } = await play(path, { kind: "rate", linesPerSecond: 4 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(seen).toEqual([
      [0, "$A"],
      [250, "$B"],
      [500, "$C"],
      [750, "$D"],
    ]);
  });

  it("loops for demos until stopped, with a scaled one-second pause between rounds", async () => {
    vi.useFakeTimers({ now: 0 });
    const path = capture("loop.nmea", "$GPZDA,100000.00\n$GPZDA,100001.00\n");
    const { seen, source } = await play(path, { kind: "recorded", speed: 2 }, { loop: true });
    await vi.advanceTimersByTimeAsync(2100);
    expect(seen.map(([t]) => t)).toEqual([0, 500, 1000, 1500, 2000]);
    await source.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toHaveLength(5);
    expect(vi.getTimerCount()).toBe(0);
    expect(source.status().state).toBe("stopped");
  });

  it("reports a missing capture as stopped with the error, without throwing", async () => {
    const source = new FileLineSource({ path: join(dir, "absent.nmea"), logger });
    source.start();
    await source.whenFinished();
    expect(source.status()).toMatchObject({ state: "stopped", lastError: expect.stringContaining("ENOENT") });
  });

  it("decodes bytes as latin1 through the bounded splitter, and flushes an unterminated last line", async () => {
    const bytes = Buffer.concat([
      Buffer.from("$GPTXT,x"),
      Buffer.from([0xe2]),
      Buffer.from("\r\n$GPRMC,1\n"),
      Buffer.alloc(300, 0x41),
      Buffer.from("\n$END"),
    ]);
    const { source, seen } = await play(capture("bytes.nmea", bytes), { kind: "fast" });
    await source.whenFinished();
    expect(seen.map(([, l]) => l)).toEqual(["$GPTXT,x\u00e2", "$GPRMC,1", "$END"]);
  });

  it("refuses commands: a capture has no device behind it", async () => {
    const source = new FileLineSource({ path: join(dir, "x"), logger });
    await expect(source.writeLine("$PSOS,REQ,ALL*3C")).rejects.toThrow(/read-only/);
  });

  it("rejects a non-positive speed or rate", () => {
    expect(() => new FileLineSource({ path: "x", logger, pacing: { kind: "recorded", speed: 0 } })).toThrow(
      RangeError,
    );
    expect(
      () => new FileLineSource({ path: "x", logger, pacing: { kind: "rate", linesPerSecond: -1 } }),
    ).toThrow(RangeError);
  });
});

describe("nmeaTimeOfDayMs", () => {
  it.each([
    ["$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A", 45_319_000],
    ["$GNGGA,000000.25,,,,,0,00,,,M,,M,,*00", 250],
    ["$GPGLL,4916.45,N,12311.12,W,225444,A*1D", 82_484_000],
    ["$GNGNS,014035.00,4332.69262,S,17235.48549,E,RR,13,0.9,25.63,11.24,,*70", 6_035_000],
    ["$GPZDA,235960.50,31,12,2016,00,00*00", 86_400_500], // leap second
  ])("reads the time of day of %s", (line, ms) => {
    expect(nmeaTimeOfDayMs(line)).toBe(ms);
  });

  it.each([
    "$GPGSV,3,1,11,03,03,111,00*74",
    "$GPRMC,,V,,,,,,,,,,N*53",
    "$GPGGA,250000,,*00",
    "$GPGLL,4916.45,N,12311.12,W*1D",
    "garbage$GPRMC,123519",
  ])("finds no time of day in %s", (line) => {
    expect(nmeaTimeOfDayMs(line)).toBeNull();
  });
});
