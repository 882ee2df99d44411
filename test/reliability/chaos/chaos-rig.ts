/**
 * The cast of the chaos suite, every part real and separately breakable:
 *  - a mosquitto with persistence (test/support/mosquitto.ts), killed and paused for real;
 *  - the dispatch service in this process, with its own SQLite file and HTTP API;
 *  - the terminal core as a child process (`sosm core`, test/support/car-process.ts), its data
 *    folder on a small tmpfs of its own (so that it can be filled), its wall clock under libfaketime
 *    (a timestamp file re-read every second), supervised like systemd does it in the car
 *    (hardware/systemd/sosm-core.service: Restart=always, RestartSec=2);
 *  - a GNSS receiver on a socat pty pair, stamped with this process's clock (chaos-gnss.ts);
 *  - the equipment controller emulator (firmware-bridge) on a second pty pair.
 * What cannot be set up here (mount refused, libfaketime missing) is recorded with the reason, and
 * the fault that needs it is reported as skipped: never silently.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { runShifts } from "../../../apps/cli/shifts-command.ts";
import { DispatchService } from "../../../apps/dispatch/dispatch-service.ts";
import { ControllerEmulator } from "../../../firmware-bridge/src/emulator.ts";
import { scenarios } from "../../../firmware-bridge/src/scenarios.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { SerialLineSource } from "../../../src/io/serial-line-source.ts";
import { CarProcess } from "../../support/car-process.ts";
import { WallClockReceiver } from "../../support/chaos-gnss.ts";
import { rigDoctor } from "../../support/kiosk-rig.ts";
import { Mosquitto } from "../../support/mosquitto.ts";
import { SocatPair } from "../../support/socat.ts";
import {
  type Capability,
  fillDisk,
  findFaketime,
  freeBytes,
  freeDisk,
  mountTmpfs,
  unmount,
} from "./chaos-host.ts";

export const operator = {
  username: "chaos",
  displayName: "Régulation chaos",
  password: "chaos-régulation-2026",
};
export const doctor = rigDoctor;

const logger = createLogger({ name: "chaos-rig", level: "silent" });
const restartSecs = 2;
/** Big enough for a 20-minute shift (the WAL alone grows to ~4 MB between checkpoints). */
const dataDiskSize = "48m";

export interface CoreExit {
  /** Test wall clock, epoch ms. */
  at: number;
  code: number | null;
  signal: string | null;
  /** False: the core died by itself (a crash); the supervisor restarted it. */
  expected: boolean;
  tail: string;
}

export class ChaosRig {
  readonly dir = mkdtempSync(join(tmpdir(), "sosm-chaos-"));
  broker!: Mosquitto;
  dispatch!: DispatchService;
  gnss!: SocatPair;
  equipment!: SocatPair;
  receiver!: WallClockReceiver;
  car!: CarProcess;
  readonly exits: CoreExit[] = [];
  /** Test wall clock when each core process was spawned. */
  readonly starts: number[] = [];
  tmpfs: Capability = { ok: false, reason: "not tried" };
  faketime: Capability & { library?: string } = { ok: false, reason: "not tried" };
  readonly clockFile = join(this.dir, "faketime.txt");
  private controller: { link: SerialLineSource; emulator: ControllerEmulator } | null = null;
  private expectingExit = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private closing = false;
  private readonly cleanups: Array<() => Promise<void> | void> = [];

  constructor(private readonly seed: number) {}

  get dataDir(): string {
    return this.car.dataDir;
  }

  async start(): Promise<void> {
    this.broker = await Mosquitto.start();
    this.cleanups.push(() => this.broker.close());
    this.dispatch = await DispatchService.start({
      fleet: "bordeaux",
      mqttUrl: this.broker.url,
      protocolVersion: 5,
      dataDir: join(this.dir, "dispatch"),
      http: { port: 0 },
      operators: [operator],
      logger: createLogger({ name: "chaos-dispatch", level: "silent" }),
      // Reconnect fast after a broker kill, as the car does (reconnectMaxSeconds 1).
      mqttClientOptions: { reconnectPeriod: 500, keepalive: 5 },
    });
    this.cleanups.push(() => this.dispatch.stop());
    await this.dispatch.mqtt.ready();
    this.gnss = await SocatPair.start();
    this.cleanups.push(() => this.gnss.close());
    this.equipment = await SocatPair.start();
    this.cleanups.push(() => this.equipment.close());

    const carDir = join(this.dir, "car");
    this.faketime = findFaketime();
    writeFileSync(this.clockFile, "+0\n");
    this.car = new CarProcess({
      dir: carDir,
      mqttUrl: this.broker.url,
      gnssPort: this.gnss.a,
      equipmentPort: this.equipment.a,
      logLevel: "warn",
      ...(this.faketime.ok && this.faketime.library
        ? {
            env: {
              LD_PRELOAD: this.faketime.library,
              FAKETIME_TIMESTAMP_FILE: this.clockFile,
              // Timers, keepalives and durations must keep running: only the wall clock jumps.
              FAKETIME_DONT_FAKE_MONOTONIC: "1",
              FAKETIME_CACHE_DURATION: "1",
            },
          }
        : {}),
    });
    this.tmpfs = mountTmpfs(this.car.dataDir, dataDiskSize);
    if (this.tmpfs.ok) this.cleanups.push(() => unmount(this.car.dataDir));
    await this.enrolDoctor();

    this.receiver = new WallClockReceiver({ device: this.gnss.b, seed: this.seed });
    this.receiver.start();
    this.cleanups.push(() => this.receiver.stop());
    this.startController();
    this.cleanups.push(() => this.stopController());
    this.startCore();
    this.cleanups.push(() => this.stopCore());
  }

  // ── The core, supervised ──────────────────────────────────────────────────────────────────────

  startCore(): void {
    if (this.closing || this.car.running) return;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.expectingExit = false;
    const child = this.car.start();
    this.starts.push(Date.now());
    child.once("exit", (code, signal) => {
      const expected = this.expectingExit || this.closing;
      this.exits.push({ at: Date.now(), code, signal, expected, tail: this.car.output.slice(-3000) });
      if (expected) return;
      // systemd's Restart=always: a crash is recorded (and fails the suite), telemetry resumes.
      this.restartTimer = setTimeout(() => this.startCore(), restartSecs * 1000);
    });
  }

  /** A power cut: SIGKILL, no flush, no goodbye. */
  async killCore(): Promise<void> {
    this.expectingExit = true;
    await this.car.kill();
  }

  async stopCore(): Promise<void> {
    this.expectingExit = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.car.stop();
  }

  // ── The equipment controller ──────────────────────────────────────────────────────────────────

  startController(): void {
    const link = new SerialLineSource({
      path: this.equipment.b,
      baudRate: 9600,
      logger,
      backoff: { initialMs: 200, maxMs: 1000 },
    });
    const emulator = new ControllerEmulator({ link, scenario: scenarios.normal, logger });
    link.start();
    emulator.start();
    this.controller = { link, emulator };
  }

  /** Power off: the controller stops talking and closes its end (a reboot starts a new one). */
  async stopController(): Promise<void> {
    const controller = this.controller;
    this.controller = null;
    if (!controller) return;
    await controller.emulator.stop();
    await controller.link.stop();
  }

  // ── The clock of the core ─────────────────────────────────────────────────────────────────────

  /** Moves the core's wall clock by `offsetS` from the true time (libfaketime re-reads it within 1 s). */
  setClockOffset(offsetS: number): void {
    writeFileSync(this.clockFile, `${offsetS >= 0 ? "+" : ""}${Math.round(offsetS)}\n`);
  }

  // ── The data disk ─────────────────────────────────────────────────────────────────────────────

  /** Fills the data disk up to the last byte; returns the bytes left free (0 or a few). */
  fillDisk(): number {
    return fillDisk(this.car.dataDir);
  }

  freeDisk(): void {
    freeDisk(this.car.dataDir);
  }

  freeBytes(): number {
    return freeBytes(this.car.dataDir);
  }

  /** The doctor's PIN, with the real CLI code (`sosm shifts enrol`), before the core's first start. */
  private async enrolDoctor(): Promise<void> {
    let errors = "";
    const code = await runShifts({
      action: "enrol",
      configPath: this.car.configPath,
      rpps: doctor.rpps,
      lang: "en",
      stdin: Readable.from([`${doctor.pin}\n`]),
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      stderr: new Writable({
        write: (chunk, _e, done) => {
          errors += String(chunk);
          done();
        },
      }),
      env: {},
    });
    if (code !== 0) throw new Error(`sosm shifts enrol failed (${code}): ${errors}`);
  }

  /** The core's kiosk handoff, if the current process wrote it. */
  handoff(): { url: string; token: string; pid: number } | null {
    try {
      const body = JSON.parse(readFileSync(join(this.car.dataDir, "kiosk.json"), "utf8")) as {
        url: string;
        token: string;
        pid: number;
      };
      return body.pid === this.car.pid && this.car.running ? body : null;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    // Heal what a failed run may have left broken, so that every part can stop.
    this.broker?.resume();
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch {
        // Keep closing the rest: a failed test must not leak brokers, ptys or mounts.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
