import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { pino } from "pino";
import { SerialPortMock } from "serialport";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type OpenPort,
  type PortCloseReason,
  SerialLineSource,
  type SerialPortLike,
} from "../../../src/io/serial-line-source.ts";
import type { Clock, LinkStatus } from "../../../src/services/ports.ts";

const rmc = "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A";
const fakeClock: Clock = { now: () => Date.now(), monotonic: () => Date.now() };

/** A pino logger whose JSON records are kept for assertions. */
function capturingLogger() {
  const records: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      records.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, sink), records };
}

type Outcome = "ok" | Error;

/** A port whose open succeeds or fails as scripted, answered on the next microtask like the binding. */
class FakePort extends EventEmitter implements SerialPortLike {
  isOpen = false;
  written: Buffer[] = [];
  constructor(private readonly outcome: Outcome) {
    super();
  }
  open(callback: (err: Error | null) => void): void {
    queueMicrotask(() => {
      if (this.outcome === "ok") this.isOpen = true;
      callback(this.outcome === "ok" ? null : this.outcome);
    });
  }
  close(callback?: (err?: Error | null) => void): void {
    this.unplug(null);
    callback?.(null);
  }
  write(data: Buffer, callback: (err: Error | null | undefined) => void): boolean {
    this.written.push(data);
    queueMicrotask(() => callback(null));
    return true;
  }
  /** What serialport does on a hang-up: `close` with a DisconnectedError, no `error` event. */
  unplug(reason: PortCloseReason = Object.assign(new Error("EIO"), { disconnected: true })): void {
    this.isOpen = false;
    this.emit("close", reason);
  }
}

function fakePorts(outcomes: Outcome[]) {
  const made: FakePort[] = [];
  const openPort: OpenPort = () => {
    const port = new FakePort(outcomes.shift() ?? new Error("ENOENT: no such device"));
    made.push(port);
    return port;
  };
  return { openPort, made };
}

function build(openPort: OpenPort, backoff = {}) {
  const { logger, records } = capturingLogger();
  const source = new SerialLineSource({
    path: "/dev/sosm-gnss",
    baudRate: 4800,
    logger,
    clock: fakeClock,
    openPort,
    backoff,
  });
  const statuses: LinkStatus[] = [];
  const lines: Array<[string, number]> = [];
  source.onStatus((s) => statuses.push(s));
  source.onLine((line, at) => lines.push([line, at]));
  return { source, statuses, lines, records };
}

const tick = () => vi.advanceTimersByTimeAsync(0);

describe("SerialLineSource", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-03-01T10:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("emits the lines of an opened port with the wall-clock receive time", async () => {
    const { openPort, made } = fakePorts(["ok"]);
    const { source, lines, statuses } = build(openPort);
    source.start();
    await tick();
    expect(source.status().state).toBe("connected");
    made[0]?.emit("data", Buffer.from(`${rmc}\r\n$GPGGA,12`));
    made[0]?.emit("data", Buffer.from("3519\r\n"));
    expect(lines).toEqual([
      [rmc, Date.parse("2026-03-01T10:00:00Z")],
      ["$GPGGA,123519", Date.parse("2026-03-01T10:00:00Z")],
    ]);
    expect(statuses.map((s) => s.state)).toEqual(["connecting", "connected"]);
  });

  it("keeps retrying a device that does not exist yet, ×1.5 from 1 s and capped at 30 s", async () => {
    const { openPort, made } = fakePorts([]);
    const { source, statuses } = build(openPort);
    source.start();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      await tick();
      const status = source.status();
      if (status.state !== "retrying") throw new Error(`expected retrying, got ${status.state}`);
      expect(status.lastError).toContain("ENOENT");
      delays.push(status.retryInMs);
      // Nothing happens one millisecond early; the next attempt starts exactly on time.
      await vi.advanceTimersByTimeAsync(status.retryInMs - 1);
      expect(made).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(made).toHaveLength(i + 2);
    }
    expect(delays).toEqual([1000, 1500, 2250, 3375, 5063, 7594, 11391, 17086, 25629, 30000, 30000, 30000]);
    expect(statuses.filter((s) => s.state === "connecting")).toHaveLength(13);
  });

  it("opens the device once it appears and resets the backoff after it delivered data", async () => {
    const { openPort, made } = fakePorts([new Error("ENOENT"), new Error("ENOENT"), "ok", "ok", "ok"]);
    const { source, lines } = build(openPort);
    source.start();
    await vi.advanceTimersByTimeAsync(1000 + 1500);
    expect(source.status().state).toBe("connected");
    // Opened but silent, then dropped: no reset, so a flapping adapter is not hammered.
    made[2]?.unplug();
    expect(source.status()).toMatchObject({ state: "retrying", retryInMs: 2250 });
    await vi.advanceTimersByTimeAsync(2250);
    made[3]?.emit("data", Buffer.from(`${rmc}\n`));
    made[3]?.unplug();
    expect(source.status()).toMatchObject({ state: "retrying", retryInMs: 1000, lastError: "EIO" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.status().state).toBe("connected");
    expect(lines.map(([l]) => l)).toEqual([rmc]);
  });

  it("reopens after an unplug and does not glue the half line read before it to the next one", async () => {
    const { openPort, made } = fakePorts(["ok", "ok"]);
    const { source, lines, statuses } = build(openPort, { initialMs: 200 });
    source.start();
    await tick();
    made[0]?.emit("data", Buffer.from(`${rmc}\r\n$GPGGA,1235`));
    made[0]?.unplug();
    await vi.advanceTimersByTimeAsync(200);
    made[1]?.emit("data", Buffer.from("19,4807.038\r\n$GPGSA,A,3\r\n"));
    expect(lines.map(([l]) => l)).toEqual([rmc, "19,4807.038", "$GPGSA,A,3"]);
    expect(statuses.map((s) => s.state)).toEqual([
      "connecting",
      "connected",
      "retrying",
      "connecting",
      "connected",
    ]);
    expect(source.counts().bytesDiscarded).toBe("$GPGGA,1235".length);
  });

  it("treats a close without a reason, or the end of the stream, as a disconnection", async () => {
    const { openPort, made } = fakePorts(["ok", "ok"]);
    const { source } = build(openPort, { initialMs: 100 });
    source.start();
    await tick();
    made[0]?.unplug(null);
    expect(source.status()).toMatchObject({ state: "retrying", lastError: "port closed" });
    await vi.advanceTimersByTimeAsync(100);
    made[1]?.emit("end");
    expect(source.status().state).toBe("retrying");
  });

  it("logs hardware errors instead of throwing: factory throws, late error events, failing listeners", async () => {
    let calls = 0;
    const ports: FakePort[] = [];
    const openPort: OpenPort = () => {
      calls++;
      if (calls === 1) throw new TypeError('"baudRate" must be a number');
      const port = new FakePort("ok");
      ports.push(port);
      return port;
    };
    const { source, records } = build(openPort);
    source.onLine(() => {
      throw new Error("consumer bug");
    });
    const seen: string[] = [];
    source.onLine((line) => seen.push(line));
    expect(() => source.start()).not.toThrow();
    expect(source.status()).toMatchObject({ state: "retrying", lastError: '"baudRate" must be a number' });
    await vi.advanceTimersByTimeAsync(1000);
    expect(() => ports[0]?.emit("error", new Error("EIO on ioctl"))).not.toThrow();
    expect(() => ports[0]?.emit("data", Buffer.from("$A\n"))).not.toThrow();
    expect(seen).toEqual(["$A"]);
    const messages = records.map((r) => r.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        "serial port unavailable; retrying",
        "serial port error",
        "line listener failed",
      ]),
    );
  });

  it("stops cleanly: closes the port, cancels the retry timer and ignores late events", async () => {
    const { openPort, made } = fakePorts([new Error("ENOENT")]);
    const { source, lines } = build(openPort);
    source.start();
    await tick();
    expect(source.status().state).toBe("retrying");
    await source.stop();
    expect(source.status()).toMatchObject({ state: "stopped", lastError: "ENOENT" });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(made).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    made[0]?.emit("data", Buffer.from("$late\n"));
    expect(lines).toEqual([]);
  });

  it("closes a port whose open completes after stop()", async () => {
    const { openPort, made } = fakePorts(["ok"]);
    const { source } = build(openPort);
    source.start();
    await source.stop();
    expect(made[0]?.isOpen).toBe(false);
    expect(source.status().state).toBe("stopped");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(made).toHaveLength(1);
  });

  it("writes a command with CRLF, and refuses while disconnected or with a line end inside", async () => {
    const { openPort, made } = fakePorts([new Error("ENOENT"), "ok"]);
    const { source } = build(openPort);
    source.start();
    await tick();
    await expect(source.writeLine("$PSOS,REQ,ALL*3C")).rejects.toThrow(/not connected \(retrying\)/);
    await vi.advanceTimersByTimeAsync(1000);
    await source.writeLine("$PSOS,REQ,ALL*3C");
    expect(made[1]?.written.map((b) => b.toString("latin1"))).toEqual(["$PSOS,REQ,ALL*3C\r\n"]);
    await expect(source.writeLine("a\r\nb")).rejects.toThrow(/line end/);
  });

  it("works with serialport's own mock binding: device appearing, data, write, hang-up", async () => {
    // PITFALLS.md: in ESM, MockBinding from @serialport/binding-mock is another copy; use this one.
    SerialPortMock.binding.reset();
    const path = "/dev/mock-gnss";
    const opened: SerialPortMock[] = [];
    const openPort: OpenPort = (options) => {
      const port = new SerialPortMock({ ...options, autoOpen: false });
      opened.push(port);
      return port;
    };
    const { logger } = capturingLogger();
    const source = new SerialLineSource({
      path,
      baudRate: 4800,
      logger,
      clock: fakeClock,
      openPort,
      backoff: { initialMs: 50 },
    });
    const lines: string[] = [];
    source.onLine((line) => lines.push(line));
    source.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(source.status()).toMatchObject({ state: "retrying", retryInMs: 50 });
    SerialPortMock.binding.createPort(path);
    await vi.advanceTimersByTimeAsync(60);
    expect(source.status().state).toBe("connected");
    opened[1]?.port?.emitData(`${rmc}\r\n`);
    await vi.advanceTimersByTimeAsync(10);
    expect(lines).toEqual([rmc]);
    await source.writeLine("$PSOS,REQ,ALL*3C");
    expect(opened[1]?.port?.lastWrite?.toString("latin1")).toBe("$PSOS,REQ,ALL*3C\r\n");
    // The real stream's hang-up path: close(undefined, DisconnectedError), no 'error' event.
    opened[1]?._disconnected(new Error("EIO"));
    await vi.advanceTimersByTimeAsync(1);
    // Data was delivered, so the backoff was reset to its initial 50 ms.
    expect(source.status()).toMatchObject({ state: "retrying", lastError: "EIO", retryInMs: 50 });
    await vi.advanceTimersByTimeAsync(60);
    expect(source.status().state).toBe("connected");
    expect(opened).toHaveLength(3);
    await source.stop();
    expect(opened[2]?.isOpen).toBe(false);
    SerialPortMock.binding.reset();
  });
});
