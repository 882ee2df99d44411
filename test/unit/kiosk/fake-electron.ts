/**
 * A small stand-in for the parts of "electron" the kiosk shell uses, for `vi.mock("electron")`:
 * there is no Electron binary on the test machines (ELECTRON_SKIP_BINARY_DOWNLOAD=1). Windows and
 * web contents are event emitters; a test fires Electron's events on them and reads what the shell
 * did (pages loaded, handlers installed).
 */
import { EventEmitter } from "node:events";
import { vi } from "vitest";

type Handler = (...args: never[]) => unknown;

export class FakeSession {
  permissionRequestHandler: Handler | null = null;
  permissionCheckHandler: Handler | null = null;
  devicePermissionHandler: Handler | null = null;
  setPermissionRequestHandler(handler: Handler | null) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Handler | null) {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: Handler | null) {
    this.devicePermissionHandler = handler;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly session = new FakeSession();
  readonly loaded: string[] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  zoomLimits: [number, number] | null = null;
  crashes = 0;
  loadURL = vi.fn(async (url: string) => {
    this.loaded.push(url);
  });
  getURL() {
    return this.loaded.at(-1) ?? "";
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  async setVisualZoomLevelLimits(min: number, max: number) {
    this.zoomLimits = [min, max];
  }
  forcefullyCrashRenderer() {
    this.crashes += 1;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  focus = vi.fn();
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.instances.push(this);
  }
}

class FakeApp extends EventEmitter {
  isPackaged = true;
  singleInstance = true;
  quit = vi.fn();
  disableHardwareAcceleration = vi.fn();
  private ready = Promise.resolve();
  requestSingleInstanceLock() {
    return this.singleInstance;
  }
  whenReady() {
    return this.ready;
  }
  getAppPath() {
    return "/opt/Terminal SOSM/resources/app.asar";
  }
}

export const app = new FakeApp();
export const Menu = { setApplicationMenu: vi.fn() };
export const session = { defaultSession: new FakeSession() };

export function resetFakeElectron(): void {
  BrowserWindow.instances = [];
  app.removeAllListeners();
  app.isPackaged = true;
  app.singleInstance = true;
  app.quit.mockClear();
  app.disableHardwareAcceleration.mockClear();
  Menu.setApplicationMenu.mockClear();
  session.defaultSession = new FakeSession();
}
