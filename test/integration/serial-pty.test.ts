/**
 * SerialLineSource against real pseudo-terminals (socat), through the real serialport binding:
 * framing, a device that appears late, unplug/replug, garbage floods and commands.
 *
 * Timing assertions poll and leave generous margins: this runs on a loaded 2-core machine.
 */
import { randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { SerialLineSource } from "../../src/io/serial-line-source.ts";
import type { LinkStatus } from "../../src/services/ports.ts";
import { SocatPair, waitUntil } from "../support/socat.ts";

const logger = pino({ level: "silent" });
const rmc = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";
const gga = "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pty(plugged = true): Promise<SocatPair> {
  const pair = plugged ? await SocatPair.start() : SocatPair.unplugged();
  cleanups.push(() => pair.close());
  return pair;
}

function source(path: string, initialMs = 1000) {
  const src = new SerialLineSource({ path, baudRate: 9600, logger, backoff: { initialMs } });
  const lines: string[] = [];
  const statuses: LinkStatus[] = [];
  src.onLine((line) => lines.push(line));
  src.onStatus((s) => statuses.push(s));
  cleanups.push(() => src.stop());
  return { src, lines, statuses };
}

/** Forces a full collection. vitest does not pass --expose-gc to its workers, so expose it here. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

describe("SerialLineSource on a socat pty pair", () => {
  it("receives lines ended by CR, LF and CRLF written at the other end", async () => {
    const pair = await pty();
    const { src, lines } = source(pair.a);
    src.start();
    await waitUntil(() => src.status().state === "connected", "connected");
    await pair.write("b", `${rmc}\r\n${gga}\n$GPGSA,A,3\r$GPZDA,1\r\n`);
    await waitUntil(() => lines.length >= 4, "4 lines");
    expect(lines).toEqual([rmc, gga, "$GPGSA,A,3", "$GPZDA,1"]);
  });

  it("opens a device that appears after start", async () => {
    const pair = await pty(false);
    const { src, lines, statuses } = source(pair.a, 200);
    src.start();
    await waitUntil(() => src.status().state === "retrying", "retrying");
    expect(src.status()).toMatchObject({
      state: "retrying",
      lastError: expect.stringMatching(/no such file/i),
    });
    await pair.replug();
    await waitUntil(() => src.status().state === "connected", "connected after the device appeared", 15_000);
    await pair.write("b", `${rmc}\r\n`);
    await waitUntil(() => lines.length >= 1, "a line");
    expect(lines).toEqual([rmc]);
    expect(statuses.map((s) => s.state)).toContain("retrying");
  });

  it("goes to retrying on unplug and resumes within the scheduled delay after replug", async () => {
    const pair = await pty();
    const initialMs = 300;
    const { src, lines } = source(pair.a, initialMs);
    src.start();
    await waitUntil(() => src.status().state === "connected", "connected");
    await pair.write("b", `${rmc}\r\n`);
    await waitUntil(() => lines.length === 1, "the first line");

    const unpluggedAt = Date.now();
    await pair.unplug();
    await waitUntil(() => src.status().state !== "connected", "the unplug to be noticed");
    const detectedMs = Date.now() - unpluggedAt;
    // Data was delivered before the unplug, so the delay is back at its initial value.
    expect(src.status()).toMatchObject({ state: "retrying", retryInMs: initialMs });

    await pair.replug();
    const replugged = Date.now();
    // The attempt that will succeed is the one scheduled now (or already running): its due time
    // is the bound. An attempt that fired while socat was starting fails and schedules the next.
    const status = src.status();
    const dueAt = status.state === "retrying" ? status.since + status.retryInMs : replugged;
    await waitUntil(() => src.status().state === "connected", "reconnected", 15_000);
    await pair.write("b", `${gga}\r\n`);
    await waitUntil(() => lines.length === 2, "a line after replug");
    const resumedMs = Date.now() - replugged;
    const allowedMs = Math.max(0, dueAt - replugged) + 1500; // margin for a loaded 2-core box
    console.info(`unplug noticed in ${detectedMs} ms; resumed ${resumedMs} ms after replug (≤ ${allowedMs})`);
    expect(lines).toEqual([rmc, gga]);
    expect(resumedMs).toBeLessThanOrEqual(allowedMs);
  });

  it("survives 10 MiB of garbage without a line end with bounded memory, then reads valid lines", async () => {
    const pair = await pty();
    const { src, lines } = source(pair.a);
    src.start();
    await waitUntil(() => src.status().state === "connected", "connected");

    // Random bytes with NUL and terminal escape codes, and no CR or LF anywhere.
    const garbage = randomBytes(10 * 1024 * 1024);
    for (let i = 0; i < garbage.length; i++) if (garbage[i] === 0x0a || garbage[i] === 0x0d) garbage[i] = 0;
    for (let i = 0; i + 8 < garbage.length; i += 4096) garbage.write("\u001b[2J\u0000\u001b[H", i, "latin1");
    const valid = `\r\n${rmc}\r\n${gga}\r\n`;

    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 20);
    const started = Date.now();
    await pair.write("b", garbage);
    await pair.write("b", valid);
    await waitUntil(() => lines.length >= 2, "the valid lines after the garbage", 60_000);
    const elapsedMs = Date.now() - started;
    clearInterval(sampler);
    collectGarbage();
    const retainedMb = (process.memoryUsage().heapUsed - baseline) / 1e6;
    const peakMb = (peak - baseline) / 1e6;
    console.info(
      `10 MiB garbage through the pty in ${elapsedMs} ms; heap growth peak ${peakMb.toFixed(1)} MB ` +
        `(uncollected garbage included), retained ${retainedMb.toFixed(1)} MB after gc`,
    );

    expect(lines).toEqual([rmc, gga]);
    const counts = src.counts();
    expect(counts.overflows).toBe(1);
    expect(counts.bytesDiscarded).toBe(garbage.length);
    expect(retainedMb).toBeLessThan(20);
    expect(peakMb).toBeLessThan(20);
  }, 120_000);

  it("writes a command that reaches the other end with CRLF", async () => {
    const pair = await pty();
    const reader = await pair.reader("b");
    const { src } = source(pair.a);
    src.start();
    await waitUntil(() => src.status().state === "connected", "connected");
    await src.writeLine("$PSOS,REQ,ALL*3C");
    const text = await reader.waitFor((t) => t.includes("\n"));
    expect(text).toBe("$PSOS,REQ,ALL*3C\r\n");
  });
});
