/**
 * What the one kiosk window shows, and when: the starting screen until the core is ready, then the
 * UI; the starting screen again when the core goes away; a reload with backoff when the renderer
 * crashes or hangs. It drives the window through a tiny port (`ScreenView`), so the rules are
 * testable without Electron; main.ts plugs the real webContents in.
 */
import { type CoreProbe, type CoreState, checkCore, sameHandoff, waitForCore } from "./core-waiter.ts";
import { type KioskHandoff, uiAddress } from "./kiosk-config.ts";
import type { KioskLog } from "./kiosk-log.ts";
import { originOf } from "./navigation-policy.ts";
import { ReloadBackoff } from "./reload-backoff.ts";
import { startingScreenUrl } from "./starting-screen.ts";

export interface ScreenView {
  /** Load a page; failures arrive through `loadFailed`, so the returned promise may be ignored. */
  loadURL(url: string): Promise<void>;
  /** Kill a hung renderer so that the next load gets a fresh process. */
  forcefullyCrashRenderer(): void;
}

export interface KioskScreenContext {
  view: ScreenView;
  probe: CoreProbe;
  log: KioskLog;
  now: () => number;
  backoff?: ReloadBackoff;
  /** How often the core is checked while the UI shows. */
  watchIntervalMs?: number;
  /** Failed checks in a row before the UI gives way to the starting screen (one may be a hiccup). */
  watchFailuresBeforeGone?: number;
}

export class KioskScreen {
  private readonly backoff: ReloadBackoff;
  private readonly watchIntervalMs: number;
  private readonly watchFailuresBeforeGone: number;
  private handoff: KioskHandoff | null = null;
  private lastState: CoreState | null = null;
  private waiting: AbortController | null = null;
  private watchTimer: NodeJS.Timeout | null = null;
  private watchFailures = 0;
  /** Bumped on every start and stop, so that a check still in flight from an old watch is dropped. */
  private watchGeneration = 0;
  private reloadTimer: NodeJS.Timeout | null = null;
  private hung = false;
  private killingHungRenderer = false;
  private stopped = false;

  constructor(private readonly ctx: KioskScreenContext) {
    this.backoff = ctx.backoff ?? new ReloadBackoff();
    this.watchIntervalMs = ctx.watchIntervalMs ?? 5_000;
    this.watchFailuresBeforeGone = ctx.watchFailuresBeforeGone ?? 2;
  }

  /** The origin the window may navigate within, or null while the starting screen shows. */
  get coreOrigin(): string | null {
    return this.handoff ? originOf(this.handoff.url) : null;
  }

  get showing(): "starting" | "ui" {
    return this.handoff ? "ui" : "starting";
  }

  start(): void {
    this.showStarting(null);
    this.waitThenOpen();
  }

  stop(): void {
    this.stopped = true;
    this.waiting?.abort();
    this.stopWatch();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
  }

  /** The page finished loading: the UI counts as healthy from now on (for the backoff reset). */
  loaded(url: string): void {
    if (this.handoff && originOf(url) === this.coreOrigin) this.backoff.healthy(this.ctx.now());
  }

  /** The UI did not load (the core went away between the check and the load). */
  loadFailed(url: string, code: number, description: string): void {
    // -3 is ERR_ABORTED: this load was replaced by a newer one, which is normal.
    if (code === -3 || !this.handoff || originOf(url) !== this.coreOrigin) return;
    this.ctx.log.warn({ url: redact(url), code, description }, "the UI did not load; waiting for the core");
    this.coreGone({ kind: "unreachable", detail: `${description} (${code})` });
  }

  rendererGone(reason: string, exitCode: number): void {
    if (this.killingHungRenderer) {
      this.killingHungRenderer = false;
      return;
    }
    this.scheduleReload(`renderer gone: ${reason} (exit ${exitCode})`);
  }

  unresponsive(): void {
    this.hung = true;
    this.scheduleReload("renderer unresponsive");
  }

  responsive(): void {
    if (!this.hung) return;
    this.hung = false;
    if (this.reloadTimer) {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = null;
      this.ctx.log.info({}, "the renderer answers again; reload cancelled");
    }
  }

  private scheduleReload(why: string): void {
    if (this.stopped || this.reloadTimer) return;
    const delayMs = this.backoff.failure(this.ctx.now());
    this.ctx.log.warn(
      { why, delayMs, attempt: this.backoff.consecutiveFailures },
      `reloading the screen in ${delayMs / 1000} s`,
    );
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      if (this.hung) {
        // A renderer stuck in a loop ignores a reload: kill it first (Electron docs, `unresponsive`).
        this.hung = false;
        this.killingHungRenderer = true;
        this.ctx.view.forcefullyCrashRenderer();
      }
      this.load(this.handoff ? uiAddress(this.handoff) : startingScreenUrl(this.lastState));
    }, delayMs);
  }

  private showStarting(state: CoreState | null): void {
    this.handoff = null;
    this.lastState = state;
    this.load(startingScreenUrl(state));
  }

  private openUi(handoff: KioskHandoff): void {
    this.handoff = handoff;
    this.ctx.log.info({ url: handoff.url, pid: handoff.pid }, "the core is ready; opening the UI");
    this.load(uiAddress(handoff));
    this.startWatch();
  }

  private waitThenOpen(): void {
    if (this.waiting || this.stopped) return;
    const waiting = new AbortController();
    this.waiting = waiting;
    void waitForCore({
      probe: this.ctx.probe,
      signal: waiting.signal,
      onState: (state) => {
        if (state.kind === "ready") return;
        this.ctx.log.info({ state: state.kind, detail: state.detail }, "waiting for the core");
        this.showStarting(state);
      },
    }).then((handoff) => {
      this.waiting = null;
      if (handoff && !this.stopped) this.openUi(handoff);
    });
  }

  private coreGone(state: CoreState): void {
    this.stopWatch();
    this.showStarting(state);
    this.waitThenOpen();
  }

  private startWatch(): void {
    this.stopWatch();
    this.watchFailures = 0;
    const generation = this.watchGeneration;
    const tick = async () => {
      const state = await checkCore(this.ctx.probe);
      if (this.stopped || generation !== this.watchGeneration) return;
      if (state.kind === "ready") {
        this.watchFailures = 0;
        if (this.handoff && !sameHandoff(state.handoff, this.handoff)) {
          this.ctx.log.info({ pid: state.handoff.pid }, "the core restarted; reopening the UI");
          this.openUi(state.handoff);
          return;
        }
      } else if (++this.watchFailures >= this.watchFailuresBeforeGone) {
        this.ctx.log.warn({ state: state.kind, detail: state.detail }, "the core went away");
        this.coreGone(state);
        return;
      }
      this.watchTimer = setTimeout(() => void tick(), this.watchIntervalMs);
    };
    this.watchTimer = setTimeout(() => void tick(), this.watchIntervalMs);
  }

  private stopWatch(): void {
    this.watchGeneration += 1;
    if (this.watchTimer) clearTimeout(this.watchTimer);
    this.watchTimer = null;
  }

  private load(url: string): void {
    if (this.stopped) return;
    // Rejections (ERR_ABORTED when superseded, ERR_CONNECTION_REFUSED) also arrive as
    // `did-fail-load`, which is where they are handled.
    this.ctx.view.loadURL(url).catch(() => undefined);
  }
}

/** Logs never carry the token. */
function redact(url: string): string {
  return url.replace(/#token=.*/, "#token=…");
}
