/**
 * The Electron kiosk shell (issue 6): one locked-down, full-screen window on the core's loopback UI.
 * No business logic and no native module here (DESIGN.md §1): the core runs on plain Node as its
 * own service, and a crash of this window never stops telemetry. This file only plugs Electron into
 * the pure rules: window-options.ts, navigation-policy.ts, kiosk-screen.ts (starting screen,
 * reload backoff, core watch) and core-waiter.ts.
 */
import { join } from "node:path";
import { app, BrowserWindow, Menu, session } from "electron";
import { type CoreProbe, nodeCoreProbe } from "./core-waiter.ts";
import { jsonLineLog, type KioskLog } from "./kiosk-log.ts";
import { KioskScreen } from "./kiosk-screen.ts";
import { mayGrantPermission, mayNavigate, mayOpenWindow } from "./navigation-policy.ts";
import type { ReloadBackoff } from "./reload-backoff.ts";
import { kioskWindowOptions } from "./window-options.ts";

export interface KioskContext {
  /** The core's data folder, where it writes kiosk.json. */
  dataDir: string;
  preloadPath: string;
  isPackaged: boolean;
  log: KioskLog;
  probe?: CoreProbe;
  now?: () => number;
  backoff?: ReloadBackoff;
  watchIntervalMs?: number;
}

export interface KioskShell {
  window: BrowserWindow;
  screen: KioskScreen;
  stop(): void;
}

/** Builds the window, locks it down, and starts showing the core. Call after `app.whenReady()`. */
export function startKiosk(ctx: KioskContext): KioskShell {
  const window = new BrowserWindow(kioskWindowOptions(ctx));
  const contents = window.webContents;
  const screen = new KioskScreen({
    view: contents,
    probe: ctx.probe ?? nodeCoreProbe({ dataDir: ctx.dataDir }),
    log: ctx.log,
    now: ctx.now ?? Date.now,
    ...(ctx.backoff ? { backoff: ctx.backoff } : {}),
    ...(ctx.watchIntervalMs ? { watchIntervalMs: ctx.watchIntervalMs } : {}),
  });

  const refuseNavigation = (event: { url: string; preventDefault(): void }, kind: string) => {
    if (mayNavigate(event.url, screen.coreOrigin)) return;
    event.preventDefault();
    ctx.log.warn({ url: event.url, kind }, "navigation away from the core refused");
  };
  contents.on("will-navigate", (event) => refuseNavigation(event, "navigate"));
  contents.on("will-redirect", (event) => refuseNavigation(event, "redirect"));
  contents.setWindowOpenHandler(({ url }) => {
    if (mayOpenWindow(url)) return { action: "allow" };
    ctx.log.warn({ url }, "new window refused");
    return { action: "deny" };
  });
  contents.on("will-attach-webview", (event) => event.preventDefault());
  // Pinch zoom on a touchscreen in a moving car would leave the doctor with a half-visible UI.
  void contents.setVisualZoomLevelLimits(1, 1);

  const permissions = contents.session;
  permissions.setPermissionRequestHandler((_contents, permission, callback) => {
    const granted = mayGrantPermission(permission);
    if (!granted) ctx.log.warn({ permission }, "permission request refused");
    callback(granted);
  });
  permissions.setPermissionCheckHandler((_contents, permission) => mayGrantPermission(permission));
  permissions.setDevicePermissionHandler(() => false);

  contents.on("did-finish-load", () => screen.loaded(contents.getURL()));
  contents.on("did-fail-load", (_event, code, description, url, isMainFrame) => {
    if (isMainFrame) screen.loadFailed(url, code, description);
  });
  contents.on("render-process-gone", (_event, details) =>
    screen.rendererGone(details.reason, details.exitCode),
  );
  window.on("unresponsive", () => screen.unresponsive());
  window.on("responsive", () => screen.responsive());
  window.on("closed", () => screen.stop());

  screen.start();
  return { window, screen, stop: () => screen.stop() };
}

/** `--sosm-data-dir=PATH`, else SOSM_DATA_DIR (as the core), else the car's /var/lib/sosm. */
export function dataDirFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const flag = argv.find((arg) => arg.startsWith("--sosm-data-dir="));
  return flag?.slice("--sosm-data-dir=".length) || env.SOSM_DATA_DIR || "/var/lib/sosm";
}

export interface RunKioskOptions {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  log?: KioskLog;
}

/** The whole app: one instance, no menu, guards on every web contents, then the window. */
export function runKioskApp(options: RunKioskOptions): void {
  const log = options.log ?? jsonLineLog();
  // Some car PCs have GPU drivers that hang the renderer (PITFALLS.md, Electron).
  if (options.env.SOSM_KIOSK_GPU === "off") app.disableHardwareAcceleration();
  if (!app.requestSingleInstanceLock()) {
    log.warn({}, "another kiosk window is already running; quitting");
    app.quit();
    return;
  }
  Menu.setApplicationMenu(null);
  // Defence in depth: whatever web contents appear (there should be only ours), no popups.
  app.on("web-contents-created", (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: "deny" }));
    contents.on("will-attach-webview", (event) => event.preventDefault());
  });
  let shell: KioskShell | null = null;
  app.on("second-instance", () => shell?.window.focus());
  app.on("window-all-closed", () => app.quit());
  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    shell = startKiosk({
      dataDir: dataDirFrom(options.argv, options.env),
      // The preload sits next to the bundled main in dist/, inside the app folder or app.asar.
      preloadPath: join(app.getAppPath(), "dist", "preload.cjs"),
      isPackaged: app.isPackaged,
      log,
    });
  });
}
