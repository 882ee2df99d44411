/**
 * A real mosquitto (Debian's) per test suite, on a free loopback port, with its own config, data
 * folder and persistence, so that tests can stop and restart the broker for real.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export const mosquittoPath = "/usr/sbin/mosquitto";

export interface MosquittoOptions {
  /** Extra mosquitto.conf lines (listener options, ACL, TLS...). */
  extraConfig?: string[];
  /** Allow anonymous clients (default true, unless extraConfig sets up auth). */
  allowAnonymous?: boolean;
  port?: number;
}

export class Mosquitto {
  readonly dir: string;
  readonly port: number;
  private child: ChildProcess | null = null;
  private output = "";

  private constructor(
    port: number,
    private readonly options: MosquittoOptions,
  ) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), "sosm-mosquitto-"));
  }

  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    if (!existsSync(mosquittoPath))
      throw new Error(`${mosquittoPath} is missing: run 'npm test' (it installs it)`);
    const broker = new Mosquitto(options.port ?? (await freePort()), options);
    await broker.startProcess();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts the process again on the same port and persistence file (after stop()). */
  async startProcess(): Promise<void> {
    const config = [
      `listener ${this.port} 127.0.0.1`,
      `allow_anonymous ${this.options.allowAnonymous ?? true}`,
      "persistence true",
      `persistence_location ${this.dir}/`,
      "autosave_interval 1",
      "log_dest stderr",
      "log_type error",
      "log_type warning",
      "max_packet_size 1048576",
      "set_tcp_nodelay true",
      // As root, mosquitto drops to the `mosquitto` user, which cannot write this suite's private
      // folder: persistence would be lost silently across a restart. Keep root for tests.
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      ...(this.options.extraConfig ?? []),
    ];
    const configPath = join(this.dir, "mosquitto.conf");
    writeFileSync(configPath, `${config.join("\n")}\n`);
    const child = spawn(mosquittoPath, ["-c", configPath], { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    await waitForPort(
      this.port,
      10_000,
      () => child.exitCode !== null,
      () => this.output,
    );
  }

  /** Stops the broker for real (SIGTERM, so that it saves its persistence file), or kills it. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
    this.child = null;
  }

  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  resume(): void {
    this.child?.kill("SIGCONT");
  }

  logs(): string {
    return this.output;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function waitForPort(
  port: number,
  timeoutMs: number,
  exited: () => boolean,
  logs: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`mosquitto exited at start:\n${logs()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms:\n${logs()}`);
}
