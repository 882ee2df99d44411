/**
 * Runs the real terminal core (`sosm core`) as a child process against a given broker, with its own
 * data folder, for tests that kill it (power cuts) and start it again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "../..");
const cli = join(root, "apps/cli/main.ts");

export interface CarProcessOptions {
  dir: string;
  mqttUrl: string;
  vehicle?: string;
  fleet?: string;
  gnssPort?: string;
  logLevel?: string;
  protocolVersion?: 4 | 5;
  /** The equipment controller's port (default: a path that does not exist). */
  equipmentPort?: string;
  /** Extra environment for the core (e.g. LD_PRELOAD of libfaketime in the chaos suite). */
  env?: NodeJS.ProcessEnv;
  /** Extra top-level config sections, merged over the defaults above (e.g. `shifts`). */
  config?: Record<string, unknown>;
}

export class CarProcess {
  readonly configPath: string;
  readonly dataDir: string;
  private child: ChildProcess | null = null;
  output = "";

  constructor(readonly options: CarProcessOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.dataDir = join(options.dir, "data");
    this.configPath = join(options.dir, "core.json");
    writeFileSync(
      this.configPath,
      JSON.stringify({
        fleet: options.fleet ?? "bordeaux",
        vehicle: options.vehicle ?? "BDX-07",
        profile: "bdx-07",
        dataDir: this.dataDir,
        gnss: { port: options.gnssPort ?? join(options.dir, "no-receiver") },
        equipment: { port: options.equipmentPort ?? join(options.dir, "no-controller") },
        // Port 0: parallel suites each get a free port instead of retrying a taken 7380.
        http: { port: 0 },
        mqtt: {
          url: options.mqttUrl,
          protocolVersion: options.protocolVersion ?? 5,
          keepaliveSeconds: 5,
          reconnectMaxSeconds: 1,
        },
        logLevel: options.logLevel ?? "warn",
        ...options.config,
      }),
    );
  }

  get dbPath(): string {
    return join(this.dataDir, "core.sqlite");
  }

  start(): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", cli, "core", "--config", this.configPath], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      ...(this.options.env ? { env: { ...process.env, ...this.options.env } } : {}),
    });
    child.stdout?.on("data", (d: Buffer) => {
      this.output += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      this.output += d.toString();
    });
    this.child = child;
    return child;
  }

  /** The current process's pid (null before the first start). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A power cut: SIGKILL, no chance to flush or say goodbye. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async stop(): Promise<void> {
    await this.signal("SIGTERM");
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }
}
