/**
 * Builds one of the project's two web UIs (the doctor's screen, the dispatch console) with Vite when
 * its dist/ is missing or older than its sources (`npm start` and the test suites call it before
 * they serve the UI), or always with `force`.
 *
 * Several processes may ask at once (two vitest runs, `npm start` in another terminal): a lock
 * folder makes one of them build while the others wait, and the build goes to a fresh folder that
 * replaces dist/ in one rename, so a server never serves half a build.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export interface WebUi {
  /** The Vite root (holds index.html and vite.config.ts). */
  root: string;
  /**
   * Files or folders outside the root, relative to the repository, that end up in the bundle;
   * apps/web-build, which every UI bundles, need not be named.
   */
  sharedSources: readonly string[];
  /** What the UI is called in log lines and errors: "the kiosk UI". */
  name: string;
  /** Prefix of the log lines: "ui". */
  logTag: string;
}

export interface WebBuilder {
  readonly distDir: string;
  isStale(): boolean;
  ensureBuilt(options?: { force?: boolean; log?: (line: string) => void }): Promise<void>;
  /** Runs `ensureBuilt` when `moduleUrl` is the script Node was started with (`--force` forces). */
  runAsScript(moduleUrl: string): void;
}

const staleLockMs = 120_000;
/** The shared stylesheets and components (this folder), part of every UI's bundle. */
const webBuildFolder = "apps/web-build";

function newestMtime(path: string): number {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === "dist" || name === "node_modules" || name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

export function webBuilder(ui: WebUi): WebBuilder {
  const distDir = join(ui.root, "dist");
  const repoRoot = resolve(import.meta.dirname, "../..");
  const lockDir = join(ui.root, ".build-lock");

  const isStale = (): boolean => {
    let built: number;
    try {
      built = statSync(join(distDir, "index.html")).mtimeMs;
    } catch {
      return true;
    }
    const sources = Math.max(
      newestMtime(ui.root),
      ...[webBuildFolder, ...ui.sharedSources].map((file) => newestMtime(join(repoRoot, file))),
    );
    return sources > built;
  };

  const takeLock = (): boolean => {
    try {
      mkdirSync(lockDir);
      return true;
    } catch {
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > staleLockMs)
          rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      return false;
    }
  };

  const build = async (log: (line: string) => void): Promise<void> => {
    const { build: viteBuild } = await import("vite");
    const staging = join(ui.root, `.dist-${process.pid}`);
    const started = performance.now();
    await viteBuild({
      configFile: join(ui.root, "vite.config.ts"),
      build: { outDir: staging, emptyOutDir: true },
      logLevel: "warn",
    });
    rmSync(distDir, { recursive: true, force: true });
    renameSync(staging, distDir);
    log(`built ${ui.name} into ${distDir} in ${Math.round(performance.now() - started)} ms`);
  };

  const ensureBuilt: WebBuilder["ensureBuilt"] = async (options = {}) => {
    const log = options.log ?? ((line) => process.stderr.write(`[${ui.logTag}] ${line}\n`));
    let force = options.force ?? false;
    const deadline = Date.now() + staleLockMs;
    while (force || isStale()) {
      if (takeLock()) {
        try {
          if (force || isStale()) await build(log);
        } finally {
          rmSync(lockDir, { recursive: true, force: true });
        }
        return;
      }
      // Another process is building: wait for it, then look again (its build may already be fresh).
      if (Date.now() > deadline)
        throw new Error(`${ui.name}: the build lock ${lockDir} was held for too long`);
      await new Promise((done) => setTimeout(done, 200));
      force = false;
    }
  };

  const runAsScript = (moduleUrl: string): void => {
    if (moduleUrl !== pathToFileURL(process.argv[1] ?? "").href) return;
    ensureBuilt({ force: process.argv.includes("--force") }).catch((error: unknown) => {
      process.stderr.write(
        `${ui.name}: build failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    });
  };

  return { distDir, isStale, ensureBuilt, runAsScript };
}
