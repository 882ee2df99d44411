/**
 * `npm start` opens the doctor's screen once the core is up (issue 6): in the Electron shell when its
 * binary is installed, otherwise in Debian's Chromium in app mode, otherwise it only prints the
 * address. The address is always printed, so a developer can open it in any browser. `--no-ui`
 * skips opening a window (headless machines, CI).
 *
 * The choice is a pure function of what exists (`chooseUi`), tested on its own; this module never
 * imports "electron" (PITFALLS.md): it only looks for the binary that the electron package records
 * in `path.txt` after its download, which is skipped on machines without network access.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { nodeCoreProbe, waitForCore } from "../kiosk/main/core-waiter.ts";
import { uiAddress } from "../kiosk/main/kiosk-config.ts";

export interface UiSituation {
  /** The Electron binary, when the electron package downloaded it. */
  electronBinary: string | null;
  /** `npm run kiosk:build` has produced the shell (apps/kiosk/main/dist/main.cjs). */
  shellBuilt: boolean;
  chromium: string | null;
  /** A graphical session to open a window in (DISPLAY or WAYLAND_DISPLAY). */
  hasDisplay: boolean;
  isRoot: boolean;
  noUi: boolean;
}

export interface UiTarget {
  /** `<url>#token=<token>` */
  address: string;
  dataDir: string;
  /** apps/kiosk/main: the folder whose package.json names the shell's bundled main. */
  kioskAppDir: string;
}

export type UiChoice =
  | { kind: "electron" | "chromium"; command: string; args: string[] }
  | { kind: "print"; why: string };

/** Chromium must not phone home from a medical terminal, nor greet the doctor with a first-run page. */
export const chromiumQuietFlags = [
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function chooseUi(situation: UiSituation, target: UiTarget): UiChoice {
  if (situation.noUi) return { kind: "print", why: "--no-ui" };
  if (!situation.hasDisplay) return { kind: "print", why: "no graphical session (DISPLAY is not set)" };
  // Chromium refuses to run as root with its sandbox on; only then is the sandbox turned off.
  const rootFlags = situation.isRoot ? ["--no-sandbox"] : [];
  if (situation.electronBinary && situation.shellBuilt) {
    return {
      kind: "electron",
      command: situation.electronBinary,
      // The shell reads kiosk.json itself: the token is not put on a command line here.
      args: [target.kioskAppDir, `--sosm-data-dir=${target.dataDir}`, ...rootFlags],
    };
  }
  if (situation.chromium) {
    return {
      kind: "chromium",
      command: situation.chromium,
      args: [
        `--app=${target.address}`,
        `--user-data-dir=${join(target.dataDir, "chromium-profile")}`,
        ...chromiumQuietFlags,
        ...rootFlags,
      ],
    };
  }
  return { kind: "print", why: "neither Electron nor Chromium (/usr/bin/chromium) is installed" };
}

export interface FileChecks {
  exists(path: string): boolean;
  readText(path: string): string;
  resolve(specifier: string): string;
}

const realFiles: FileChecks = {
  exists: existsSync,
  readText: (path) => readFileSync(path, "utf8"),
  resolve: (specifier) => createRequire(import.meta.url).resolve(specifier),
};

/** The binary the electron package downloaded (its path.txt names it under dist/), or null. */
export function findElectronBinary(files: FileChecks = realFiles): string | null {
  let packageDir: string;
  try {
    packageDir = dirname(files.resolve("electron"));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, "path.txt");
  if (!files.exists(pathFile)) return null;
  const binary = join(packageDir, "dist", files.readText(pathFile).trim());
  return files.exists(binary) ? binary : null;
}

export function findChromium(exists: (path: string) => boolean = existsSync): string | null {
  return ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => exists(path)) ?? null;
}

export function currentSituation(kioskAppDir: string, noUi: boolean): UiSituation {
  return {
    electronBinary: findElectronBinary(),
    shellBuilt: existsSync(join(kioskAppDir, "dist", "main.cjs")),
    chromium: findChromium(),
    hasDisplay: Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY),
    isRoot: process.getuid?.() === 0,
    noUi,
  };
}

export interface StartUiOptions {
  dataDir: string;
  kioskAppDir: string;
  noUi: boolean;
  write: (line: string) => void;
}

export interface UiHandle {
  stop(): Promise<void>;
}

/** Waits (in the background) for the core and its kiosk.json, prints the address, opens the UI. */
export function startUi(options: StartUiOptions): UiHandle {
  const waiting = new AbortController();
  let child: ChildProcess | null = null;
  void waitForCore({ probe: nodeCoreProbe({ dataDir: options.dataDir }), signal: waiting.signal }).then(
    (handoff) => {
      if (!handoff) return;
      const address = uiAddress(handoff);
      options.write(`Écran du médecin / doctor's screen: ${address}`);
      const choice = chooseUi(currentSituation(options.kioskAppDir, options.noUi), {
        address,
        dataDir: options.dataDir,
        kioskAppDir: options.kioskAppDir,
      });
      if (choice.kind === "print") {
        options.write(`  (not opened: ${choice.why}; open the address above in a browser)`);
        return;
      }
      options.write(
        `  opened in ${choice.kind === "electron" ? "Electron (kiosk shell)" : "Chromium (app mode)"}`,
      );
      const opened = spawn(choice.command, choice.args, { stdio: "ignore" });
      child = opened;
      opened.once("error", (error) =>
        options.write(`  the ${choice.kind} window could not start: ${error.message}`),
      );
      opened.once("exit", (code, signal) => {
        if (child === opened && !waiting.signal.aborted) {
          options.write(`  the ${choice.kind} window closed (${signal ?? code}); the core keeps running`);
        }
        child = null;
      });
    },
  );
  return {
    async stop() {
      waiting.abort();
      const running = child;
      if (running) await stopProcess(running);
    },
  };
}

/** SIGTERM, then SIGKILL after `graceMs`: a hung browser must not hold Ctrl-C. */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
