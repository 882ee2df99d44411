/**
 * A whole car for the kiosk tests and bench: a real mosquitto, the real terminal core (in this
 * process) reading a GNSS capture from a socat pty and the emulated equipment controller from a
 * second pty, a real SQLite file, and the core's kiosk server on a free loopback port.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GnssReplayer } from "../../apps/sim/gnss-replayer.ts";
import { ControllerEmulator } from "../../firmware-bridge/src/emulator.ts";
import { scenarios } from "../../firmware-bridge/src/scenarios.ts";
import { Core } from "../../src/app/core.ts";
import { createLogger } from "../../src/app/logger.ts";
import { loadVehicleProfile } from "../../src/app/profile-loader.ts";
import { type ConfigInput, configSchema } from "../../src/contracts/config.ts";
import type { CheckRecord } from "../../src/domain/equipment/technician-checks.ts";
import { SerialLineSource } from "../../src/io/serial-line-source.ts";
import type { AlarmTimings } from "../../src/services/alarm-service.ts";
import { type Logger, systemClock } from "../../src/services/ports.ts";
import { Mosquitto } from "./mosquitto.ts";
import { SocatPair, waitUntil } from "./socat.ts";

const root = join(import.meta.dirname, "../..");
export const bordeauxNight = join(root, "apps/sim/recordings/bordeaux-night.nmea");

export interface KioskRigOptions {
  /** Extra config (ui, alarms...). */
  config?: Partial<ConfigInput>;
  /** Plays the GNSS capture (default true). */
  gnss?: boolean;
  /** Runs the equipment emulator (default true). */
  equipment?: boolean;
  /** Replay speed of the capture (default 1: a fix per second, as the receiver sends it). */
  gnssSpeed?: number;
  /**
   * Signs `rigDoctor` in through the core (and passes the shift-start checklist) before the screen
   * opens (default true), so that screen tests about missions start where a doctor would.
   */
  signIn?: boolean;
  /** Screen lock after this much inactivity (default 3600: tests about missions never lock). */
  lockAfterSeconds?: number;
  /** Shorter alarm timers than the config allows (the lone-worker prompt in seconds, not minutes). */
  alarmTimings?: Partial<AlarmTimings>;
  /** The core's logger (default: silent); the fuzz targets read its error lines. */
  logger?: Logger;
}

/** A roster doctor of bdx-07.json; the rig enrols this PIN for them. */
export const rigDoctor = { rpps: "19999900012", name: "Dr Claire Fictive", pin: "4826" } as const;

export class KioskRig {
  private readonly cleanups: Array<() => Promise<void> | void> = [];
  broker!: Mosquitto;
  core!: Core;
  url = "";
  token = "";
  dataDir = "";

  static async start(options: KioskRigOptions = {}): Promise<KioskRig> {
    const rig = new KioskRig();
    try {
      await rig.boot(options);
    } catch (error) {
      await rig.close();
      throw error;
    }
    return rig;
  }

  /** The address the Electron shell opens: the token in the fragment. */
  get uiAddress(): string {
    return `${this.url}#token=${this.token}`;
  }

  private async boot(options: KioskRigOptions): Promise<void> {
    const logger = options.logger ?? createLogger({ name: "kiosk-rig", level: "silent" });
    this.broker = await Mosquitto.start();
    this.cleanups.push(() => this.broker.close());
    this.dataDir = mkdtempSync(join(tmpdir(), "sosm-kiosk-"));
    this.cleanups.push(() => rmSync(this.dataDir, { recursive: true, force: true }));
    const gnss = await SocatPair.start();
    this.cleanups.push(() => gnss.close());
    const equipment = options.equipment === false ? null : await SocatPair.start();
    if (equipment) this.cleanups.push(() => equipment.close());
    const profile = loadVehicleProfile(join(root, "hardware/profiles/bdx-07.json"));
    const config = configSchema.parse({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: "bdx-07",
      dataDir: this.dataDir,
      gnss: { port: gnss.a },
      equipment: { port: equipment?.a ?? join(this.dataDir, "no-controller") },
      mqtt: { url: this.broker.url, keepaliveSeconds: 5, reconnectMaxSeconds: 1 },
      http: { port: 0 },
      logLevel: "silent",
      ...options.config,
    });
    // Below the config's floor of 15 s on purpose: an end-to-end test cannot wait two minutes.
    config.shifts.lockAfterSeconds = options.lockAfterSeconds ?? 3600;
    // Every technician check passed just now: the equipment is "ready" when its sensors say so.
    const passedAt = Date.now();
    const checks = Object.fromEntries(
      Object.values(profile.checks).flatMap((list) =>
        list.items.map((check): [string, CheckRecord] => [check.id, { at: passedAt, result: "pass" }]),
      ),
    );
    this.core = new Core({
      config,
      profile,
      logger,
      clock: systemClock,
      checkHistory: { latestByCheck: () => checks },
      ...(options.alarmTimings ? { alarmTimings: options.alarmTimings } : {}),
    });
    this.core.start();
    this.cleanups.push(() => this.core.stop());
    const address = await this.core.kiosk.ready();
    this.url = address.url;
    this.token = this.core.kiosk.token;
    await this.core.shifts.doctors.enrolPin(rigDoctor.rpps, rigDoctor.pin);
    if (options.signIn !== false) {
      const { checklist } = await this.core.shifts.service.signIn({
        rpps: rigDoctor.rpps,
        pin: rigDoctor.pin,
      });
      if (checklist !== null)
        this.core.shifts.service.completeShiftStart(
          checklist.map((item) => ({ checkId: item.id, result: "pass" })),
        );
    }

    if (options.gnss !== false) {
      const replayer = new GnssReplayer({
        capture: bordeauxNight,
        device: gnss.b,
        logger,
        speed: options.gnssSpeed ?? 1,
      });
      replayer.start();
      this.cleanups.push(() => replayer.stop());
    }
    if (equipment) {
      const controller = new SerialLineSource({
        path: equipment.b,
        baudRate: 9600,
        logger,
        backoff: { initialMs: 200, maxMs: 1000 },
      });
      const emulator = new ControllerEmulator({ link: controller, scenario: scenarios.normal, logger });
      controller.start();
      this.cleanups.push(() => controller.stop());
      await waitUntil(() => controller.status().state === "connected", "the controller's end to open");
      emulator.start();
      this.cleanups.push(() => emulator.stop());
    }
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch {
        // Keep closing the rest: a test's failure must not leak brokers and ptys.
      }
    }
  }
}
