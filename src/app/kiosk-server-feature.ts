/**
 * Composition unit of the doctor's screen (issue 6): the loopback server (src/server) wired to the
 * core's features, and the handoff file the screen reads.
 *
 * - The per-boot token is 32 random bytes (base64url). Once the server listens, `{dataDir}/kiosk.json`
 *   hands the address and the token to the screen (kiosk-handoff.ts).
 * - A port that is taken (an old core still closing, another program) never stops the core: the
 *   server retries with a delay that doubles up to 30 s, and the telemetry goes on meanwhile
 *   (DESIGN.md §1: "a crash of the window never stops telemetry"; the same holds for its server).
 * - Every feature's change listener nudges the server, which rebuilds the state and pushes it if it
 *   differs (at most 10/s). An incoming command (dispatch's acks) also reads the alarms' acks at once.
 * - With shifts (issue 10), the screen lock lives here, in the core (src/server/screen-lock.ts): the
 *   car counts as stopped below 2 km/h, or with no fix in the last 10 s.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import type { Config } from "../contracts/config.ts";
import type { VehicleProfile } from "../contracts/vehicle-profile.ts";
import { runKioskCommand } from "../server/kiosk-commands.ts";
import { KioskServer } from "../server/kiosk-server.ts";
import { buildKioskState, type KioskStateSources } from "../server/kiosk-state.ts";
import { ScreenLock } from "../server/screen-lock.ts";
import type { AlarmService } from "../services/alarm-service.ts";
import type { EquipmentMonitor } from "../services/equipment-monitor.ts";
import type { GpsTracker } from "../services/gps-tracker.ts";
import type { Clock, Logger } from "../services/ports.ts";
import type { TechnicianChecks } from "../services/technician-checks.ts";
import type { DispatchConnection } from "./dispatch-connection.ts";
import { KioskHandoff } from "./kiosk-handoff.ts";
import type { MissionsFeature } from "./missions-feature.ts";
import type { ShiftsFeature } from "./shifts-feature.ts";

export { kioskHandoffFile } from "./kiosk-handoff.ts";
export const defaultRendererDir = resolve(import.meta.dirname, "../../apps/kiosk/renderer/dist");

type AlarmsPort = Pick<
  AlarmService,
  | "panic"
  | "cancel"
  | "extendLoneWorker"
  | "answerLoneWorker"
  | "active"
  | "onChange"
  | "refreshAcknowledgements"
>;

export interface KioskServerFeatureContext {
  config: Config;
  profile: VehicleProfile;
  logger: Logger;
  clock: Clock;
  tracker: Pick<GpsTracker, "latestFix" | "health" | "onFix">;
  dispatch: Pick<DispatchConnection, "link" | "outbox">;
  missions: MissionsFeature;
  equipment: EquipmentMonitor | null;
  /** The alarm service, once the core has one (issue 4); without it panic answers "not available". */
  alarms?: AlarmsPort | null;
  checks?: Pick<TechnicianChecks, "sign"> | null;
  /** Doctors' shifts (issue 10): sign-in, the shift-start checklist, the screen lock. */
  shifts?: Pick<ShiftsFeature, "service" | "doctors" | "onChange"> | null;
  /** Tests: a known token, another renderer folder. */
  token?: string;
  staticDir?: string;
}

export interface KioskAddress {
  url: string;
  port: number;
}

const maxRetryMs = 30_000;
/** 2 km/h: slower is a car parked with a drifting receiver, not a car driving. */
const movingMps = 2 / 3.6;
const freshFixSeconds = 10;

export class KioskServerFeature {
  readonly token: string;
  private server: KioskServer | null = null;
  private address: KioskAddress | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly logger: Logger;
  private readonly waiting: Array<(address: KioskAddress) => void> = [];
  /** null without shifts: nothing is locked or hidden. */
  readonly lock: ScreenLock | null;
  private readonly handoff: KioskHandoff;

  constructor(private readonly ctx: KioskServerFeatureContext) {
    this.token = ctx.token ?? randomBytes(32).toString("base64url");
    this.logger = ctx.logger.child({ part: "kiosk-server" });
    this.handoff = new KioskHandoff({
      dataDir: ctx.config.dataDir,
      token: this.token,
      logger: this.logger,
      stillServing: (address) => !this.stopped && this.address === address,
    });
    const shifts = ctx.shifts ?? null;
    this.lock =
      shifts === null
        ? null
        : new ScreenLock({
            clock: ctx.clock,
            lockAfterMs: ctx.config.shifts.lockAfterSeconds * 1000,
            shiftId: () => shifts.service.current()?.shiftId ?? null,
            moving: () => this.moving(),
            onChange: () => this.changed(),
          });
  }

  private moving(): boolean {
    const since = this.ctx.tracker.health("en").secondsSinceFix;
    const speed = this.ctx.tracker.latestFix()?.speed;
    return since !== null && since <= freshFixSeconds && speed !== undefined && speed >= movingMps;
  }

  /** Starts listening in the background; `ready()` resolves once it does. */
  start(): void {
    this.stopped = false;
    this.subscribe();
    this.lock?.start();
    void this.listen(1000);
  }

  /** The address once the server listens (kiosk.json is written by then). */
  ready(): Promise<KioskAddress> {
    if (this.address !== null) return Promise.resolve(this.address);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.lock?.stop();
    for (const off of this.unsubscribe.splice(0)) off();
    const server = this.server;
    this.server = null;
    if (server !== null) {
      this.handoff.remove();
      await server.stop();
    }
    this.address = null;
  }

  private async listen(retryMs: number): Promise<void> {
    let server: KioskServer;
    try {
      server = this.buildServer();
    } catch (error) {
      // A non-loopback host: a configuration that must never run, so no retry (DESIGN.md §4).
      this.logger.error({ err: error }, "kiosk API not started");
      return;
    }
    await this.startServer(server, retryMs);
  }

  private buildServer(): KioskServer {
    const { config } = this.ctx;
    return new KioskServer({
      host: config.http.host,
      port: config.http.port,
      token: this.token,
      staticDir: this.ctx.staticDir ?? defaultRendererDir,
      ...(config.ui.tiles ? { tilesUrl: config.ui.tiles.url } : {}),
      logger: this.logger,
      now: () => this.ctx.clock.now(),
      api: {
        snapshot: () => buildKioskState(this.sources()),
        execute: (command) =>
          runKioskCommand(
            {
              missions: this.ctx.missions,
              alarms: this.ctx.alarms ?? null,
              checks: this.ctx.checks ?? null,
              shifts:
                this.ctx.shifts && this.lock ? { service: this.ctx.shifts.service, lock: this.lock } : null,
            },
            command,
          ),
        onChange: (listener) => {
          this.listeners.add(listener);
          return () => this.listeners.delete(listener);
        },
      },
    });
  }

  private async startServer(server: KioskServer, retryMs: number): Promise<void> {
    const { config } = this.ctx;
    try {
      const address = await server.start();
      if (this.stopped) {
        await server.stop();
        return;
      }
      this.server = server;
      this.address = address;
      this.handoff.write(address);
      this.logger.info({ url: address.url }, "kiosk API listening");
      for (const resolve of this.waiting.splice(0)) resolve(address);
    } catch (error) {
      if (this.stopped) return;
      this.logger.error(
        { err: error, retryInMs: retryMs },
        `kiosk API could not listen on ${config.http.host}:${config.http.port}; retrying in ${retryMs / 1000} s`,
      );
      this.retryTimer = setTimeout(() => void this.listen(Math.min(retryMs * 2, maxRetryMs)), retryMs);
      this.retryTimer.unref();
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private subscribe(): void {
    const { ctx } = this;
    const changed = () => this.changed();
    this.unsubscribe.push(
      ctx.missions.onStatusChange(changed),
      ctx.missions.desk.onChange(changed),
      ctx.missions.messages.onChange(changed),
      ctx.dispatch.link.onStatus(changed),
      ctx.tracker.onFix(changed),
      // The inbox handles the command first (it attached before us); its ack is then in the log.
      ctx.dispatch.link.onCommand(() =>
        setImmediate(() => {
          try {
            ctx.alarms?.refreshAcknowledgements();
          } catch (error) {
            this.logger.warn({ err: error }, "could not read dispatch's alarm acks");
          }
          changed();
        }),
      ),
    );
    if (ctx.equipment) this.unsubscribe.push(ctx.equipment.onVerdict(changed));
    if (ctx.alarms) this.unsubscribe.push(ctx.alarms.onChange(changed));
    const lock = this.lock;
    if (ctx.shifts && lock)
      this.unsubscribe.push(
        ctx.shifts.onChange(() => {
          lock.sync();
          changed();
        }),
      );
  }

  private sources(): KioskStateSources {
    const { ctx } = this;
    const { config, profile } = ctx;
    const equipment = ctx.equipment;
    return {
      fleet: config.fleet,
      vehicle: config.vehicle,
      settings: { lang: config.ui.lang, theme: config.ui.theme, tiles: config.ui.tiles ?? null },
      clock: ctx.clock,
      gnss: ctx.tracker,
      dispatch: {
        status: () => ctx.dispatch.link.status(),
        pendingCount: () => ctx.dispatch.outbox.pendingCount(),
      },
      missions: ctx.missions,
      readinessPolicy: config.missions.readinessPolicy,
      equipment:
        equipment === null
          ? null
          : {
              verdict: () => equipment.verdict(),
              link: () => equipment.link(),
              labels: new Map(profile.equipment.map((item) => [item.id, item.label])),
            },
      alarms: ctx.alarms
        ? {
            active: () => (ctx.alarms as AlarmsPort).active(),
            cancelNeedsPin: config.alarms?.cancelPinHash !== undefined,
          }
        : null,
      checklists: ctx.checks ? profile.checks : null,
      shifts:
        ctx.shifts && this.lock
          ? {
              service: ctx.shifts.service,
              doctors: ctx.shifts.doctors,
              lockAfterSeconds: config.shifts.lockAfterSeconds,
              mode: () => (this.lock as ScreenLock).mode(),
            }
          : null,
    };
  }
}
