import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CoreProbe } from "../../../apps/kiosk/main/core-waiter.ts";
import type { KioskHandoff } from "../../../apps/kiosk/main/kiosk-config.ts";
import type { KioskLog } from "../../../apps/kiosk/main/kiosk-log.ts";
import { type KioskShell, runKioskApp, startKiosk } from "../../../apps/kiosk/main/main.ts";
import { app, BrowserWindow, type FakeWebContents, Menu, resetFakeElectron } from "./fake-electron.ts";

vi.mock("electron", async () => await import("./fake-electron.ts"));

const handoff: KioskHandoff = { url: "http://127.0.0.1:7380/", token: "k".repeat(32), pid: 4242 };
const uiUrl = `http://127.0.0.1:7380/#token=${"k".repeat(32)}`;

function fakeCore() {
  const core = { up: false, handoff };
  const probe: CoreProbe = {
    readHandoff: () =>
      core.up
        ? { ok: true, handoff: core.handoff }
        : { ok: false, missing: true, reason: "/var/lib/sosm/kiosk.json is not written yet" },
    isProcessAlive: () => core.up,
    healthz: async () => (core.up ? null : "connect ECONNREFUSED 127.0.0.1:7380"),
  };
  return { core, probe };
}

function collectingLog() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    lines.push({ level, message, fields });
  const log: KioskLog = { info: at("info"), warn: at("warn"), error: at("error") };
  return { log, lines };
}

const decode = (url: string) => Buffer.from(url.slice(url.indexOf(",") + 1), "base64").toString("utf8");
const isStarting = (url: string | undefined) => url?.startsWith("data:text/html") ?? false;

let shell: KioskShell | null = null;

function start(options: { coreUp?: boolean; isPackaged?: boolean } = {}) {
  const { core, probe } = fakeCore();
  core.up = options.coreUp ?? false;
  const { log, lines } = collectingLog();
  shell = startKiosk({
    dataDir: "/var/lib/sosm",
    preloadPath: "/opt/app/dist/preload.cjs",
    isPackaged: options.isPackaged ?? true,
    log,
    probe,
  });
  const window = BrowserWindow.instances.at(-1) as BrowserWindow;
  return { core, lines, window, contents: window.webContents as FakeWebContents };
}

beforeEach(() => {
  vi.useFakeTimers();
  resetFakeElectron();
});

afterEach(() => {
  shell?.stop();
  shell = null;
  vi.useRealTimers();
});

describe("the kiosk window", () => {
  it("follows the Electron security checklist", () => {
    const { window, contents } = start();
    const options = window.options as { webPreferences: Record<string, unknown> } & Record<string, unknown>;
    expect(options).toMatchObject({ kiosk: true, fullscreen: true, autoHideMenuBar: true });
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
      preload: "/opt/app/dist/preload.cjs",
    });
    expect(contents.zoomLimits).toEqual([1, 1]);
  });

  it("has devtools only when not packaged", () => {
    const { window } = start({ isPackaged: false });
    expect((window.options.webPreferences as { devTools: boolean }).devTools).toBe(true);
  });

  it("refuses navigation to another origin and allows the core's own", async () => {
    const { contents } = start({ coreUp: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(contents.loaded.at(-1)).toBe(uiUrl);
    const navigate = (url: string) => {
      const event = { url, preventDefault: vi.fn() };
      contents.emit("will-navigate", event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate("https://example.org/phish")).toBe(true);
    expect(navigate("http://127.0.0.1:9999/")).toBe(true);
    expect(navigate("file:///etc/passwd")).toBe(true);
    expect(navigate("http://127.0.0.1:7380/missions")).toBe(false);
    const redirect = { url: "https://example.org/", preventDefault: vi.fn() };
    contents.emit("will-redirect", redirect, redirect.url);
    expect(redirect.preventDefault).toHaveBeenCalled();
  });

  it("refuses every navigation while the starting screen shows", () => {
    const { contents } = start({ coreUp: false });
    const event = { url: "http://127.0.0.1:7380/", preventDefault: vi.fn() };
    contents.emit("will-navigate", event, event.url);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it("denies window.open, even to the core", () => {
    const { contents, lines } = start({ coreUp: true });
    expect(contents.windowOpenHandler?.({ url: "https://example.org/" })).toEqual({ action: "deny" });
    expect(contents.windowOpenHandler?.({ url: "http://127.0.0.1:7380/" })).toEqual({ action: "deny" });
    expect(lines.filter((line) => line.message === "new window refused")).toHaveLength(2);
  });

  it("denies every permission request", () => {
    const { contents } = start();
    const callback = vi.fn();
    const request = contents.session.permissionRequestHandler as unknown as (
      wc: unknown,
      permission: string,
      cb: (granted: boolean) => void,
    ) => void;
    request(contents, "geolocation", callback);
    request(contents, "media", callback);
    expect(callback.mock.calls).toEqual([[false], [false]]);
    const check = contents.session.permissionCheckHandler as unknown as (wc: unknown, p: string) => boolean;
    expect(check(contents, "notifications")).toBe(false);
  });
});

describe("the starting screen", () => {
  it("shows until the core answers, then the UI opens with the token in the fragment", async () => {
    const { core, contents } = start({ coreUp: false });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(contents.loaded.length).toBeGreaterThan(0);
    expect(contents.loaded.every(isStarting)).toBe(true);
    const page = decode(contents.loaded.at(-1) as string);
    expect(page).toContain("Démarrage du terminal");
    expect(page).toContain("The terminal is starting");
    expect(page.indexOf("Démarrage")).toBeLessThan(page.indexOf("The terminal is starting"));

    core.up = true;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(contents.loaded.at(-1)).toBe(uiUrl);
  });

  it("comes back when the core goes away, and gives way to the UI when it returns", async () => {
    const { core, contents, lines } = start({ coreUp: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(contents.loaded.at(-1)).toBe(uiUrl);

    core.up = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(isStarting(contents.loaded.at(-1))).toBe(true);
    expect(lines.some((line) => line.message === "the core went away")).toBe(true);

    core.up = true;
    await vi.advanceTimersByTimeAsync(3_000);
    expect(contents.loaded.at(-1)).toBe(uiUrl);
  });

  it("reopens the UI with the new token when the core restarted between two checks", async () => {
    const { core, contents } = start({ coreUp: true });
    await vi.advanceTimersByTimeAsync(0);
    core.handoff = { ...handoff, token: "n".repeat(32), pid: 4343 };
    await vi.advanceTimersByTimeAsync(5_000);
    expect(contents.loaded.at(-1)).toBe(`http://127.0.0.1:7380/#token=${"n".repeat(32)}`);
  });
});

describe("a crashed or hung renderer", () => {
  /** Fires render-process-gone and returns the delay after which the shell reloaded. */
  async function crashAndMeasure(contents: FakeWebContents): Promise<number> {
    const before = contents.loadURL.mock.calls.length;
    contents.emit("render-process-gone", {}, { reason: "crashed", exitCode: 139 });
    let waited = 0;
    while (contents.loadURL.mock.calls.length === before) {
      await vi.advanceTimersByTimeAsync(250);
      waited += 250;
      if (waited > 60_000) throw new Error("no reload within 60 s");
    }
    return waited;
  }

  it("reloads after 1 s, 2 s, 4 s … up to 30 s, and from 1 s again after 60 s of health", async () => {
    const { contents, lines } = start({ coreUp: true });
    await vi.advanceTimersByTimeAsync(0);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) delays.push(await crashAndMeasure(contents));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(contents.loaded.at(-1)).toBe(uiUrl);
    expect(lines.filter((line) => line.fields.why === "renderer gone: crashed (exit 139)")).toHaveLength(7);

    contents.emit("did-finish-load");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await crashAndMeasure(contents)).toBe(1_000);
  });

  it("keeps doubling when the reloaded UI never stayed up for 60 s", async () => {
    const { contents } = start({ coreUp: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(await crashAndMeasure(contents)).toBe(1_000);
    contents.emit("did-finish-load");
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await crashAndMeasure(contents)).toBe(2_000);
  });

  it("kills a hung renderer before reloading, without counting that kill as a new crash", async () => {
    const { window, contents } = start({ coreUp: true });
    await vi.advanceTimersByTimeAsync(0);
    const loads = contents.loadURL.mock.calls.length;
    window.emit("unresponsive");
    await vi.advanceTimersByTimeAsync(999);
    expect(contents.crashes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(contents.crashes).toBe(1);
    expect(contents.loadURL.mock.calls.length).toBe(loads + 1);
    contents.emit("render-process-gone", {}, { reason: "killed", exitCode: 9 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(contents.loadURL.mock.calls.length).toBe(loads + 1);
  });

  it("cancels the reload when a hung renderer answers again", async () => {
    const { window, contents } = start({ coreUp: true });
    await vi.advanceTimersByTimeAsync(0);
    const loads = contents.loadURL.mock.calls.length;
    window.emit("unresponsive");
    await vi.advanceTimersByTimeAsync(500);
    window.emit("responsive");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(contents.crashes).toBe(0);
    expect(contents.loadURL.mock.calls.length).toBe(loads);
  });
});

describe("the kiosk app", () => {
  it("removes the menu, guards every web contents and opens one window with the packaged preload", async () => {
    runKioskApp({ argv: ["electron", "--sosm-data-dir=/tmp/nowhere"], env: {}, log: collectingLog().log });
    expect(Menu.setApplicationMenu).toHaveBeenCalledWith(null);
    await vi.advanceTimersByTimeAsync(0);
    expect(BrowserWindow.instances).toHaveLength(1);
    const window = BrowserWindow.instances[0] as BrowserWindow;
    expect((window.options.webPreferences as { preload: string }).preload).toBe(
      "/opt/Terminal SOSM/resources/app.asar/dist/preload.cjs",
    );
    const other = new BrowserWindow({}).webContents;
    app.emit("web-contents-created", {}, other);
    expect(other.windowOpenHandler?.({ url: "https://example.org/" })).toEqual({ action: "deny" });
    window.emit("closed");
  });

  it("quits when another kiosk already runs", () => {
    app.singleInstance = false;
    runKioskApp({ argv: [], env: {}, log: collectingLog().log });
    expect(app.quit).toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it("turns the GPU off when the car's unit asks for it", () => {
    runKioskApp({ argv: [], env: { SOSM_KIOSK_GPU: "off" }, log: collectingLog().log });
    expect(app.disableHardwareAcceleration).toHaveBeenCalled();
    BrowserWindow.instances[0]?.emit("closed");
  });
});
