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
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, constants, existsSync, fstatSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReadStream } from "node:tty";

export const SOCAT = "/usr/bin/socat";

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
  /** The /dev/pts paths of the current run, parsed from socat's `-d -d` log. */
  ptys: string[] = [];
  private child: ChildProcess | null = null;
  private log = "";
  private readonly ownsDir: boolean;
  private readonly startTimeoutMs: number;
  private readonly readers = new Set<PtyReader>();

  private constructor(options: SocatOptions) {
    this.ownsDir = options.dir === undefined;
    this.dir = options.dir ?? mkdtempSync(join(tmpdir(), "sosm-pty-"));
    this.a = join(this.dir, "a");
    this.b = join(this.dir, "b");
    this.startTimeoutMs = options.startTimeoutMs ?? 15_000;
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

  get plugged(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts socat on the same link names (first plug, or replug after `unplug()`). */
  async replug(): Promise<void> {
    if (this.plugged) throw new Error("SocatPair.replug: already plugged in");
    this.log = "";
    this.ptys = [];
    const child = spawn(
      SOCAT,
      ["-d", "-d", `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.child = child;
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      this.log += text;
      // Parsed from the whole log: a notice may arrive split across two chunks.
      this.ptys = [...this.log.matchAll(/PTY is (\S+)/g)].flatMap((m) => (m[1] ? [m[1]] : []));
    });
    let spawnError: Error | null = null;
    child.once("error", (err) => {
      spawnError = err;
    });
    const deadline = Date.now() + this.startTimeoutMs;
    // Poll rather than sleep: ready means both links exist and socat entered its transfer loop.
    while (!(existsSync(this.a) && existsSync(this.b) && this.log.includes("starting data transfer loop"))) {
      if (spawnError !== null) throw new Error(`socat could not start: ${(spawnError as Error).message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`socat exited early (${child.exitCode ?? child.signalCode}):\n${this.log}`);
      }
      if (Date.now() > deadline) {
        await this.unplug();
        throw new Error(`socat not ready after ${this.startTimeoutMs} ms:\n${this.log}`);
      }
      await sleep(10);
    }
  }

  /** Pulls the cable: kills socat and waits until it has exited and the links are gone. */
  async unplug(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const hard = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(hard);
    }
    // socat removes its links on SIGTERM, not on SIGKILL: make sure the device is really gone.
    rmSync(this.a, { force: true });
    rmSync(this.b, { force: true });
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
