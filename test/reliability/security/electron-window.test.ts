/**
 * The kiosk window against Electron's security checklist (electronjs.org/docs/latest/tutorial/
 * security, items numbered as there; DESIGN.md §4), item by item, on the real shell code
 * (apps/kiosk/main) with the stand-in for "electron" of test/unit/kiosk/fake-electron.ts: there is
 * no Electron binary on test machines. test/unit/kiosk/main.test.ts tests the shell's behaviour;
 * this states the whole list in one place, and the window's preferences exactly, so that a new
 * option cannot slip in without this test being read again.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CoreProbe } from "../../../apps/kiosk/main/core-waiter.ts";
import type { KioskLog } from "../../../apps/kiosk/main/kiosk-log.ts";
import { type KioskShell, runKioskApp, startKiosk } from "../../../apps/kiosk/main/main.ts";
import { mayNavigate } from "../../../apps/kiosk/main/navigation-policy.ts";
import { startingScreenCsp } from "../../../apps/kiosk/main/starting-screen.ts";
import { kioskWindowOptions } from "../../../apps/kiosk/main/window-options.ts";
import {
  app,
  BrowserWindow,
  type FakeWebContents,
  Menu,
  resetFakeElectron,
  session,
} from "../../unit/kiosk/fake-electron.ts";

vi.mock("electron", async () => await import("../../unit/kiosk/fake-electron.ts"));

const root = join(import.meta.dirname, "../../..");
const shellDir = join(root, "apps/kiosk/main");
const core = "http://127.0.0.1:7380";
const silent: KioskLog = { info: () => {}, warn: () => {}, error: () => {} };
const probe: CoreProbe = {
  readHandoff: () => ({ ok: true, handoff: { url: `${core}/`, token: "k".repeat(43), pid: 1 } }),
  isProcessAlive: () => true,
  healthz: async () => null,
};
const shellSources = readdirSync(shellDir)
  .filter((file) => file.endsWith(".ts"))
  .map((file) => ({ file, text: readFileSync(join(shellDir, file), "utf8") }));

let shell: KioskShell | null = null;

function open(isPackaged = true): { window: BrowserWindow; contents: FakeWebContents } {
  shell = startKiosk({
    dataDir: "/var/lib/sosm",
    preloadPath: "/opt/app/dist/preload.cjs",
    isPackaged,
    log: silent,
    probe,
  });
  const window = BrowserWindow.instances.at(-1) as BrowserWindow;
  return { window, contents: window.webContents as FakeWebContents };
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

describe("the kiosk window against Electron's security checklist", () => {
  it("has exactly these web preferences, and is a frameless full-screen kiosk", () => {
    expect(kioskWindowOptions({ preloadPath: "/p.cjs", isPackaged: true })).toEqual({
      title: "Terminal SOSM",
      kiosk: true,
      fullscreen: true,
      frame: false,
      autoHideMenuBar: true,
      backgroundColor: "#10151c",
      show: true,
      webPreferences: {
        preload: "/p.cjs",
        contextIsolation: true, // 3
        sandbox: true, // 4
        nodeIntegration: false, // 2
        nodeIntegrationInWorker: false, // 2
        nodeIntegrationInSubFrames: false, // 2
        webSecurity: true, // 6
        allowRunningInsecureContent: false, // 8
        webviewTag: false, // 11, 12
        navigateOnDragDrop: false, // 13: a dropped link is a navigation too
        spellcheck: false,
        devTools: false, // no devtools in the car
        // 9, 10: no experimentalFeatures, no enableBlinkFeatures (absent = off).
      },
    });
  });

  it("1, 18. loads only the core on loopback and its own starting page, never a file: URL", async () => {
    const { contents } = open();
    await vi.advanceTimersByTimeAsync(0);
    expect(contents.loaded.length).toBeGreaterThan(0);
    for (const url of contents.loaded)
      expect(url.startsWith(`${core}/`) || url.startsWith("data:text/html")).toBe(true);
    expect(mayNavigate("file:///etc/passwd", core)).toBe(false);
  });

  it("5. denies every permission request and check, on its session and the default session", async () => {
    const { contents } = open();
    const request = contents.session.permissionRequestHandler as unknown as (
      w: unknown,
      p: string,
      cb: (granted: boolean) => void,
    ) => void;
    const check = contents.session.permissionCheckHandler as unknown as (w: unknown, p: string) => boolean;
    const device = contents.session.devicePermissionHandler as unknown as () => boolean;
    const permissions = [
      "media",
      "geolocation",
      "notifications",
      "clipboard-read",
      "clipboard-sanitized-write",
      "fullscreen",
      "pointerLock",
      "openExternal",
      "hid",
      "serial",
      "usb",
      "display-capture",
      "midiSysex",
    ];
    const answers: boolean[] = [];
    for (const permission of permissions) request(contents, permission, (granted) => answers.push(granted));
    expect(answers).toEqual(permissions.map(() => false));
    expect(permissions.map((permission) => check(contents, permission))).toEqual(
      permissions.map(() => false),
    );
    expect(device()).toBe(false);

    runKioskApp({ argv: [], env: {}, log: silent });
    await vi.advanceTimersByTimeAsync(0);
    const defaultHandler = session.defaultSession.permissionRequestHandler as unknown as (
      w: unknown,
      p: string,
      cb: (granted: boolean) => void,
    ) => void;
    const defaults: boolean[] = [];
    defaultHandler(null, "media", (granted) => defaults.push(granted));
    expect(defaults).toEqual([false]);
    BrowserWindow.instances.at(-1)?.emit("closed");
  });

  it("7. puts a strict CSP on its own starting page (the core's pages: loopback-api.test.ts)", () => {
    expect(startingScreenCsp).toMatch(/^default-src 'none'; /);
    expect(startingScreenCsp).not.toMatch(/script-src|unsafe-|\*/);
    expect(startingScreenCsp).toContain("frame-ancestors 'none'");
  });

  it("11, 12. attaches no <webview>, in its window or any other web contents", () => {
    const { contents } = open();
    const event = { preventDefault: vi.fn() };
    contents.emit("will-attach-webview", event);
    expect(event.preventDefault).toHaveBeenCalled();
    runKioskApp({ argv: [], env: {}, log: silent });
    const other = new BrowserWindow({}).webContents;
    app.emit("web-contents-created", {}, other);
    const otherEvent = { preventDefault: vi.fn() };
    other.emit("will-attach-webview", otherEvent);
    expect(otherEvent.preventDefault).toHaveBeenCalled();
  });

  it("13. navigates nowhere but the core's own origin, and nowhere at all from the starting page", async () => {
    const { contents } = open();
    const refused = (url: string, kind = "will-navigate") => {
      const event = { url, preventDefault: vi.fn() };
      contents.emit(kind, event, url);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(refused(`${core}/`)).toBe(true); // still the starting page
    await vi.advanceTimersByTimeAsync(0);
    for (const url of [
      "https://example.org/",
      "http://127.0.0.1:7381/",
      "http://localhost:7380/",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "data:text/html,x",
    ])
      expect(refused(url), url).toBe(true);
    expect(refused("https://example.org/", "will-redirect")).toBe(true);
    expect(refused(`${core}/missions`)).toBe(false);
  });

  it("14. opens no new window, whatever the URL, from its window or any other web contents", () => {
    const { contents } = open();
    for (const url of ["https://example.org/", `${core}/`, "about:blank"])
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: "deny" });
    runKioskApp({ argv: [], env: {}, log: silent });
    const other = new BrowserWindow({}).webContents;
    app.emit("web-contents-created", {}, other);
    expect(other.windowOpenHandler?.({ url: `${core}/` })).toEqual({ action: "deny" });
  });

  it("15, 17, 20. exposes no Electron API: no openExternal, no IPC, an empty preload", () => {
    const fromElectron = new Set<string>();
    for (const { file, text } of shellSources) {
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      expect(code, file).not.toMatch(
        /openExternal|ipcMain|ipcRenderer|contextBridge|webFrame|@electron\/remote/,
      );
      for (const match of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+"electron"/g))
        for (const name of (match[1] ?? "").split(","))
          fromElectron.add(name.replace(/^\s*type\s+/, "").trim());
    }
    fromElectron.delete("");
    expect([...fromElectron].sort()).toEqual([
      "BrowserWindow",
      "BrowserWindowConstructorOptions",
      "Menu",
      "app",
      "session",
    ]);
    const preload = shellSources.find((source) => source.file === "preload.ts")?.text ?? "";
    expect(preload.replace(/\/\*[\s\S]*?\*\//g, "").trim()).toBe("export {};");
  });

  it("16. is built against a current Electron (the declared major, installed)", () => {
    const declared = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies
      .electron as string;
    const installed = JSON.parse(readFileSync(join(root, "node_modules/electron/package.json"), "utf8"))
      .version as string;
    const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);
    expect(major(installed)).toBe(major(declared));
    expect(major(installed)).toBeGreaterThanOrEqual(45);
  });

  it("19. flips Electron's fuses at packaging: no run-as-node, no NODE_OPTIONS, no --inspect, asar only", () => {
    const yml = readFileSync(join(root, "electron-builder.yml"), "utf8");
    const block = /^electronFuses:\n((?: {2}\S.*\n)+)/m.exec(yml)?.[1] ?? "";
    const fuses = Object.fromEntries(
      block
        .trim()
        .split("\n")
        .map((line) => line.trim().split(/:\s*/) as [string, string]),
    );
    expect(fuses).toEqual({
      runAsNode: "false",
      enableCookieEncryption: "true",
      enableNodeOptionsEnvironmentVariable: "false",
      enableNodeCliInspectArguments: "false",
      enableEmbeddedAsarIntegrityValidation: "true",
      onlyLoadAppFromAsar: "true",
      grantFileProtocolExtraPrivileges: "false",
    });
  });

  it("has no devtools and no menu in the car, devtools only in development", async () => {
    const { window } = open(true);
    expect((window.options.webPreferences as { devTools: boolean }).devTools).toBe(false);
    runKioskApp({ argv: [], env: {}, log: silent });
    expect(Menu.setApplicationMenu).toHaveBeenCalledWith(null);
    const dev = open(false).window;
    expect((dev.options.webPreferences as { devTools: boolean }).devTools).toBe(true);
  });

  it("cannot be pinch-zoomed into a half-visible screen", () => {
    const { contents } = open();
    expect(contents.zoomLimits).toEqual([1, 1]);
  });
});
