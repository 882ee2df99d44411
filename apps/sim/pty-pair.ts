/**
 * A pair of linked pseudo-terminals made by socat, standing in for a serial cable: bytes written to
 * one end come out of the other. The simulated car (`npm start`) writes its GNSS and equipment
 * lines to one end while the core opens the other as if it were `/dev/sosm-gnss`; the integration
 * tests use it to exercise the real serialport stack (PITFALLS.md: "test it by killing a socat pty
 * pair").
 *
 * The ends are reached through stable symlinks (`link=DIR/a`), like the udev names in the car, so
 * that `unplug()` (kill socat: the ptys vanish, the links are removed) and `replug()` (start socat
 * again on the same links, with new /dev/pts numbers) look to the core like a USB adapter being
 * pulled out and put back.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

export const socatPath = "/usr/bin/socat";

export interface PtyPairNames {
  /** File name of the first end's link inside the folder (default "a"). */
  a?: string;
  /** File name of the second end's link inside the folder (default "b"). */
  b?: string;
}

export interface PtyPairOptions {
  /** How long to wait for socat to create both links (default 10 s: a loaded 2-core box is slow). */
  startTimeoutMs?: number;
  socat?: string;
}

export class PtyPair {
  /** The stable link paths of both ends; they exist while the pair is plugged in. */
  readonly paths: { readonly a: string; readonly b: string };
  private child: ChildProcess | null = null;
  private output = "";

  private constructor(
    readonly dir: string,
    names: Required<PtyPairNames>,
    private readonly options: PtyPairOptions,
  ) {
    this.paths = { a: join(dir, names.a), b: join(dir, names.b) };
  }

  /** Starts socat and resolves once both links exist (rejects with socat's output otherwise). */
  static async open(dir: string, names: PtyPairNames = {}, options: PtyPairOptions = {}): Promise<PtyPair> {
    mkdirSync(dir, { recursive: true });
    const pair = new PtyPair(dir, { a: names.a ?? "a", b: names.b ?? "b" }, options);
    await pair.start();
    return pair;
  }

  /** Like `open`, but socat is not started yet: the device "appears later", at `replug()`. */
  static unplugged(dir: string, names: PtyPairNames = {}, options: PtyPairOptions = {}): PtyPair {
    mkdirSync(dir, { recursive: true });
    return new PtyPair(dir, { a: names.a ?? "a", b: names.b ?? "b" }, options);
  }

  /** The /dev/pts paths of the current run, from socat's `-d -d` log. */
  get ptys(): string[] {
    return [...this.output.matchAll(/PTY is (\S+)/g)].flatMap((m) => (m[1] ? [m[1]] : []));
  }

  /** True while socat runs (the ptys exist). */
  get plugged(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Pulls the cable: kills socat, so both ends see the other side vanish, and removes the links. */
  async unplug(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
    // socat removes its links on SIGTERM, but not when killed hard: make sure the device is gone.
    rmSync(this.paths.a, { force: true });
    rmSync(this.paths.b, { force: true });
  }

  /** Puts the cable back: starts socat again on the same link paths. */
  async replug(): Promise<void> {
    if (this.plugged) throw new Error("PtyPair.replug: already plugged in");
    await this.start();
  }

  /** Stops socat and removes the links (the folder is the caller's). */
  async close(): Promise<void> {
    await this.unplug();
  }

  private async start(): Promise<void> {
    const socat = this.options.socat ?? socatPath;
    if (!existsSync(socat)) throw new Error(`PtyPair: ${socat} is missing (apt-get install socat)`);
    // Stale links from a killed run would make us think the new pair is ready before it is.
    rmSync(this.paths.a, { force: true });
    rmSync(this.paths.b, { force: true });
    this.output = "";
    const child = spawn(
      socat,
      ["-d", "-d", `pty,raw,echo=0,link=${this.paths.a}`, `pty,raw,echo=0,link=${this.paths.b}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.child = child;
    child.stderr?.on("data", (d: Buffer) => {
      // Keep the tail only: enough for an error message, bounded for a long-running simulator.
      this.output = (this.output + d.toString("latin1")).slice(-4000);
    });
    let spawnError: Error | null = null;
    child.once("error", (error) => (spawnError = error));

    const timeoutMs = this.options.startTimeoutMs ?? 10_000;
    const deadline = performance.now() + timeoutMs;
    // socat prints "starting data transfer loop" once both ptys exist and the links are made.
    while (
      !(existsSync(this.paths.a) && existsSync(this.paths.b) && /data transfer loop/.test(this.output))
    ) {
      if (spawnError) throw new Error(`PtyPair: cannot start socat: ${(spawnError as Error).message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = null;
        throw new Error(
          `PtyPair: socat exited (${child.exitCode ?? child.signalCode}): ${this.output.trim()}`,
        );
      }
      if (performance.now() > deadline) {
        await this.unplug();
        throw new Error(`PtyPair: links not ready after ${timeoutMs} ms: ${this.output.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
