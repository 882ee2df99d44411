/**
 * A real pseudo-terminal pair made by socat, standing in for a serial cable in integration tests:
 * bytes written to one end come out of the other, through the kernel's tty layer, so the real
 * serialport binding (poller, EIO on hang-up, locking) is exercised (PITFALLS.md: "test it by
 * killing a socat pty pair").
 *
 * Both ends are reached through stable links (`DIR/a`, `DIR/b`), like the udev names in the car.
 * `unplug()` kills socat: the ptys vanish, the reader sees a hang-up, the links are removed.
 * `replug()` starts socat again on the same links (with new /dev/pts numbers), like a USB adapter
 * being put back.
 *
 * Writes go through plain `fs` on the thread pool. Never use writeSync here: a pty holds only a few
 * KiB, so a synchronous write of a large buffer would block the very event loop that must read the
 * other end, and the test would deadlock.
 */
import { closeSync, constants, fstatSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReadStream } from "node:tty";
import { PtyPair } from "../../apps/sim/pty-pair.ts";

export { socatPath as SOCAT } from "../../apps/sim/pty-pair.ts";

export interface SocatOptions {
  /** Folder for the links; a fresh temporary folder by default (removed by `close()`). */
  dir?: string;
  /** How long to wait for socat to be ready (default 15 s: a loaded 2-core box is slow). */
  startTimeoutMs?: number;
}

export type End = "a" | "b";

export class SocatPair {
  readonly dir: string;
  /** The stable link of each end; present only while plugged in. */
  readonly a: string;
  readonly b: string;
  private readonly pair: PtyPair;
  private readonly ownsDir: boolean;
  private readonly readers = new Set<PtyReader>();

  private constructor(options: SocatOptions) {
    this.ownsDir = options.dir === undefined;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), "sosm-pty-"));
    // The simulator's pty pair does the process handling; this class adds the test-side I/O.
    this.pair = PtyPair.unplugged(this.dir, {}, { startTimeoutMs: options.startTimeoutMs ?? 15_000 });
    this.a = this.pair.paths.a;
    this.b = this.pair.paths.b;
  }

  /** Starts socat and resolves when both links exist and socat is forwarding. */
  static async start(options: SocatOptions = {}): Promise<SocatPair> {
    const pair = new SocatPair(options);
    await pair.replug();
    return pair;
  }

  /** Like `start`, but without starting socat yet: the device "appears later" via `replug()`. */
  static unplugged(options: SocatOptions = {}): SocatPair {
    return new SocatPair(options);
  }

  /** The /dev/pts paths of the current run, parsed from socat's `-d -d` log. */
  get ptys(): string[] {
    return this.pair.ptys;
  }

  get plugged(): boolean {
    return this.pair.plugged;
  }

  /** Starts socat on the same link names (first plug, or replug after `unplug()`). */
  async replug(): Promise<void> {
    await this.pair.replug();
  }

  /** Pulls the cable: kills socat and waits until it has exited and the links are gone. */
  async unplug(): Promise<void> {
    await this.pair.unplug();
  }

  /** Writes bytes to one end (through its link), chunk by chunk, and closes it again. */
  async write(end: End, data: string | Uint8Array, chunkBytes = 65_536): Promise<void> {
    const bytes = typeof data === "string" ? Buffer.from(data, "latin1") : data;
    // O_NOCTTY: the test process must not adopt the pty as its controlling terminal.
    const handle = await open(this.pathOf(end), constants.O_WRONLY | constants.O_NOCTTY);
    try {
      for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
        const chunk = bytes.subarray(offset, offset + chunkBytes);
        let written = 0;
        while (written < chunk.length) {
          written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
        }
      }
    } finally {
      await handle.close();
    }
  }

  /** Opens one end for reading (through the tty layer, so it never blocks the thread pool). */
  async reader(end: End): Promise<PtyReader> {
    const fd = openSync(this.pathOf(end), constants.O_RDWR | constants.O_NOCTTY);
    const reader = new PtyReader(new ReadStream(fd), () => {
      this.readers.delete(reader);
      // libuv reopens a tty fd for its own (non-blocking) use and closes only that copy.
      try {
        if (fstatSync(fd).isCharacterDevice()) closeSync(fd);
      } catch {
        // Already closed: nothing to release.
      }
    });
    this.readers.add(reader);
    return reader;
  }

  /** Stops socat, closes readers and removes the temporary folder. Safe to call twice. */
  async close(): Promise<void> {
    for (const reader of [...this.readers]) await reader.close();
    await this.unplug();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  private pathOf(end: End): string {
    return end === "a" ? this.a : this.b;
  }
}

/** Collects what arrives at one end, decoded latin1. */
export class PtyReader {
  text = "";
  private closed = false;

  constructor(
    private readonly stream: ReadStream,
    private readonly release: () => void,
  ) {
    stream.on("data", (chunk: Buffer) => {
      this.text += chunk.toString("latin1");
    });
    // A hang-up (unplug) ends the stream with EIO: expected in these tests, not a failure.
    stream.on("error", () => {});
  }

  /** Resolves when `predicate(text)` holds; rejects with what arrived after `timeoutMs`. */
  async waitFor(predicate: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.text)) {
      if (Date.now() > deadline) throw new Error(`pty reader: timed out; got ${JSON.stringify(this.text)}`);
      await sleep(10);
    }
    return this.text;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.stream.closed) {
      const closed = new Promise<void>((resolve) => this.stream.once("close", () => resolve()));
      this.stream.destroy();
      await closed;
    }
    this.release();
  }
}

/** Polls `condition` every 10 ms until it holds (rejects with `what` after `timeoutMs`). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
