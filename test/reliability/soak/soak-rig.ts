/**
 * Everything the soak runs, for real (issue 9): a mosquitto, two socat pty pairs, the terminal core
 * as `sosm core` in its own process under libfaketime, the equipment controller emulator as
 * `sosm sim equipment` under the same rate, and the dispatch service (in this process) whose clock
 * follows the core's. The car's database starts with yesterday's track (soak-seed.ts).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { CarProcess } from "../../support/car-process.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { readHandoff, SoakDoctor, SoakOperator } from "../../support/soak-actors.ts";
import { AcceleratedClock, faketimeEnv } from "../../support/soak-clock.ts";
import { type CoreHandoff, readHealth } from "../../support/soak-sampler.ts";
import { seedSentTrack } from "../../support/soak-seed.ts";
import { SocatPair, waitUntil } from "../../support/socat.ts";

const root = join(import.meta.dirname, "../../..");
const cli = join(root, "apps/cli/main.ts");
const hourMs = 3_600_000;

/** A roster doctor of hardware/profiles/bdx-07.json. */
export const soakDoctor = { rpps: "19999900012", pin: "4826" } as const;
const operator = { username: "nuit", displayName: "Régulation de nuit", password: "soak-régulation-2026" };

export interface SoakRigOptions {
  rate: number;
  /** Hours of already-sent track before the start (24: the steady state of a car online all day). */
  seedHours: number;
  equipment: boolean;
  /** Hours after a closed mission before its patient data is purged (production default: 24). */
  purgeAfterHours: number;
}

export class SoakRig {
  readonly clock: AcceleratedClock;
  broker!: Mosquitto;
  gnss!: SocatPair;
  car!: CarProcess;
  dispatch!: DispatchService;
  doctor!: SoakDoctor;
  operator!: SoakOperator;
  handoff!: CoreHandoff;
  seededRows = 0;
  /** The core's clock when the core was spawned (FAKETIME "+0": it starts at the real time). */
  coreStartedAt = 0;
  private coreChild: ChildProcess | null = null;
  private equipmentPair: SocatPair | null = null;
  private emulator: ChildProcess | null = null;
  emulatorTail = "";
  private readonly dir: string;
  private readonly cleanups: Array<() => Promise<void> | void> = [];

  constructor(private readonly options: SoakRigOptions) {
    this.clock = new AcceleratedClock(options.rate);
    this.dir = mkdtempSync(join(tmpdir(), "sosm-soak-"));
    this.cleanups.push(() => rmSync(this.dir, { recursive: true, force: true }));
  }

  get carPid(): number | null {
    return this.car?.running ? this.car.pid : null;
  }

  async start(): Promise<void> {
    this.broker = await Mosquitto.start();
    this.cleanups.push(() => this.broker.close());
    this.gnss = await SocatPair.start();
    this.cleanups.push(() => this.gnss.close());
    if (this.options.equipment) {
      const pair = await SocatPair.start();
      this.equipmentPair = pair;
      this.cleanups.push(() => pair.close());
    }
    // Dispatch is there before the car, as in real life: nothing the car sends finds nobody listening.
    this.dispatch = await DispatchService.start({
      fleet: "bordeaux",
      mqttUrl: this.broker.url,
      protocolVersion: 5,
      dataDir: join(this.dir, "dispatch"),
      http: { port: 0 },
      operators: [operator],
      // Not warn: its transient "seq gap" lines are expected, its 4 shared connections reorder.
      logger: createLogger({ name: "soak-dispatch", level: "error" }),
      clock: this.clock,
    });
    this.cleanups.push(() => this.dispatch.stop());
    await this.dispatch.mqtt.ready();
    this.operator = new SoakOperator(this.dispatch.url, operator.username, operator.password);
    await this.operator.login();
    this.car = new CarProcess({
      dir: join(this.dir, "car"),
      mqttUrl: this.broker.url,
      gnssPort: this.gnss.a,
      ...(this.equipmentPair ? { equipmentPort: this.equipmentPair.a } : {}),
      env: faketimeEnv(this.options.rate),
      config: {
        // Production's MQTT settings (keepalive 30 s, reconnect cap 30 s), not the fast test ones.
        mqtt: { url: this.broker.url, protocolVersion: 5 },
        // The shortest retention the config allows, so that a 24 h shift prunes (see soak-seed.ts).
        positions: { retentionDays: 1 },
        // Shorter than a shift, so that the purge (secure_delete, WAL TRUNCATE) runs during the soak.
        missions: { purgeAfterHours: this.options.purgeAfterHours },
        logLevel: "warn",
      },
    });
    // FAKETIME "+0 xRATE" starts the core's clock at the real time of its start.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const dayAgo = now - 24 * hourMs;
    this.seededRows = seedSentTrack({
      dbPath: this.car.dbPath,
      fromMs: dayAgo,
      toMs: dayAgo + this.options.seedHours * hourMs,
    });
    this.enrolDoctor();
    if (this.equipmentPair) this.startEmulator(this.equipmentPair.b);
    this.coreStartedAt = Date.now();
    this.coreChild = this.car.start();
    this.cleanups.push(() => this.car.stop());
    await waitUntil(
      () => readHandoff(this.car.dataDir) !== null,
      `the core's kiosk.json\n${this.car.output}`,
      30_000,
    );
    this.handoff = readHandoff(this.car.dataDir) as CoreHandoff;
    for (let i = 0; i < 8; i++) {
      const reading = await readHealth(this.handoff);
      this.clock.anchor(reading.health.now, reading.sentAt, reading.receivedAt);
    }
    this.doctor = new SoakDoctor(this.handoff, soakDoctor.pin);
  }

  /** Stops the core as systemd would (SIGTERM) and resolves with its exit code. */
  async stopCore(timeoutMs = 60_000): Promise<{ code: number | null; signal: string | null }> {
    const child = this.coreChild;
    if (!child) return { code: null, signal: null };
    const stopped = this.car.stop();
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    await stopped;
    clearTimeout(timer);
    return { code: child.exitCode, signal: child.signalCode };
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch {
        // Keep closing the rest: a failed soak must not leak brokers, ptys and processes.
      }
    }
  }

  /** The doctor's PIN, set with the technicians' command line before the core's first start. */
  private enrolDoctor(): void {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", cli, "shifts", "enrol", "--config", this.car.configPath, "--rpps", soakDoctor.rpps],
      { cwd: root, input: `${soakDoctor.pin}\n`, encoding: "utf8" },
    );
    if (result.status !== 0) throw new Error(`sosm shifts enrol failed: ${result.stderr}`);
  }

  private startEmulator(port: string): void {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", cli, "sim", "equipment", "--port", port, "--scenario", "normal"],
      {
        cwd: root,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, ...faketimeEnv(this.options.rate) },
      },
    );
    // A status line per simulated second: keep the last few for a failure message only.
    child.stderr?.on("data", (d: Buffer) => {
      this.emulatorTail = (this.emulatorTail + d.toString()).slice(-2000);
    });
    this.emulator = child;
    this.cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    );
  }

  get emulatorRunning(): boolean {
    return this.emulator !== null && this.emulator.exitCode === null && this.emulator.signalCode === null;
  }
}
