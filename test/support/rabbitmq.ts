/**
 * A real RabbitMQ node (Debian's rabbitmq-server) per test suite, on free loopback ports, with its
 * own node name, data and log folders, Erlang cookie and no plugins: tests stop, kill and restart it
 * for real without touching the machine's broker on 5672.
 *
 * The node keeps its data folder across stop()/startProcess(), so durable queues and persistent
 * messages survive a restart, as in production. The default `guest` user works on loopback.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqp from "amqplib";
import { freePort } from "./free-port.ts";

export const rabbitmqServerPath = "/usr/lib/rabbitmq/bin/rabbitmq-server";

export class RabbitMq {
  readonly dir: string;
  private child: ChildProcess | null = null;
  private output = "";

  private constructor(
    readonly port: number,
    readonly distPort: number,
    readonly nodeName: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), "sosm-rabbitmq-"));
    mkdirSync(join(this.dir, "home"));
    // No plugins (no management UI): faster boot, fewer ports.
    writeFileSync(join(this.dir, "enabled_plugins"), "[].\n");
    writeFileSync(
      join(this.dir, "rabbitmq.conf"),
      [`listeners.tcp.1 = 127.0.0.1:${port}`, "log.file.level = info", "log.console = false"].join("\n"),
    );
    // Read instead of /etc/rabbitmq/rabbitmq-env.conf, which names the machine's node.
    writeFileSync(join(this.dir, "rabbitmq-env.conf"), "");
  }

  static async start(): Promise<RabbitMq> {
    if (!existsSync(rabbitmqServerPath))
      throw new Error(`${rabbitmqServerPath} is missing (Debian package rabbitmq-server)`);
    const port = await freePort();
    const distPort = await freePort();
    const node = new RabbitMq(port, distPort, `sosm-test-${port}@localhost`);
    await node.startProcess();
    return node;
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  /** Starts the node (again, after stop() or kill()) on the same ports and data. */
  async startProcess(timeoutMs = 90_000): Promise<void> {
    const env = {
      ...process.env,
      HOME: join(this.dir, "home"),
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_CONF_ENV_FILE: join(this.dir, "rabbitmq-env.conf"),
      RABBITMQ_CONFIG_FILE: join(this.dir, "rabbitmq"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, "enabled_plugins"),
      RABBITMQ_MNESIA_BASE: join(this.dir, "mnesia"),
      RABBITMQ_LOG_BASE: join(this.dir, "log"),
      RABBITMQ_PID_FILE: join(this.dir, "rabbitmq.pid"),
      // Erlang distribution on loopback only, with the epmd the machine already runs (or starts).
      ERL_EPMD_ADDRESS: "127.0.0.1",
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
    };
    this.output = "";
    // Its own process group, so that kill() reaches the Erlang VM behind the wrapper script.
    const child = spawn(rabbitmqServerPath, [], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    child.stdout?.on("data", (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`rabbitmq-server exited at start:\n${this.logs()}`);
      if (await this.answers()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`rabbitmq did not answer on ${this.port} within ${timeoutMs} ms:\n${this.logs()}`);
  }

  /** An AMQP handshake succeeds (the port alone opens before the node accepts logins). */
  private async answers(): Promise<boolean> {
    try {
      const connection = await amqp.connect(this.url, { timeout: 2000 });
      await connection.close();
      return true;
    } catch {
      return false;
    }
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A clean stop (SIGTERM: the wrapper script stops the node, which syncs its message store). */
  async stop(): Promise<void> {
    await this.signal("SIGTERM", false);
  }

  /** A crash: SIGKILL to the whole process group (script and Erlang VM). */
  async kill(): Promise<void> {
    await this.signal("SIGKILL", true);
  }

  /** Freezes the node (SIGSTOP to its group): connections stay open, nothing is answered. */
  pause(): void {
    if (this.child?.pid) process.kill(-this.child.pid, "SIGSTOP");
  }

  resume(): void {
    if (this.child?.pid) process.kill(-this.child.pid, "SIGCONT");
  }

  private async signal(signal: NodeJS.Signals, group: boolean): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // A paused node would never handle SIGTERM.
    process.kill(-child.pid, "SIGCONT");
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
    await exited;
    if (!group) await this.waitForGroupExit(child.pid);
    this.child = null;
  }

  /** The wrapper exits once the VM has stopped; wait for the VM's helpers too (epmd is not ours). */
  private async waitForGroupExit(pgid: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        process.kill(-pgid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-pgid, "SIGKILL");
  }

  logs(): string {
    const file = join(this.dir, "log", `${this.nodeName}.log`);
    const log = existsSync(file) ? readFileSync(file, "utf8") : "";
    return `${this.output}\n${log.split("\n").slice(-40).join("\n")}`;
  }

  async close(): Promise<void> {
    if (this.child?.pid) await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
