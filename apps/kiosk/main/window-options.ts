/**
 * The kiosk window, following Electron's security checklist (DESIGN.md §4). Kept apart from main.ts
 * so that a test can read every option without starting anything.
 */
import type { BrowserWindowConstructorOptions } from "electron";

export interface KioskWindowOptions {
  preloadPath: string;
  /** True in the installed deb; devtools exist only in development (`app.isPackaged` false). */
  isPackaged: boolean;
}

export function kioskWindowOptions(options: KioskWindowOptions): BrowserWindowConstructorOptions {
  return {
    title: "Terminal SOSM",
    // On Linux `kiosk` alone does not stop a user from leaving the app: run it under a kiosk
    // compositor (cage, hardware/systemd/sosm-kiosk.service) — PITFALLS.md, Electron.
    kiosk: true,
    fullscreen: true,
    frame: false,
    autoHideMenuBar: true,
    // Same colour as the starting screen: no white flash at 3 a.m. before the first page paints.
    backgroundColor: "#10151c",
    show: true,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !options.isPackaged,
    },
  };
}
