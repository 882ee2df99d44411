/**
 * Builds the doctor's screen into apps/kiosk/renderer/dist when it is missing or older than its
 * sources (`npm start` and the test suites call it before they need the UI), or always with
 * `--force` (`npm run ui:build`).
 *
 * Several processes may ask at once (two vitest runs, `npm start` in another terminal): a lock
 * folder makes one of them build while the others wait, and the build goes to a fresh folder that
 * replaces dist/ in one rename, so the server never serves half a build.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const rendererRoot = import.meta.dirname;
export const distDir = join(rendererRoot, "dist");
const repoRoot = resolve(rendererRoot, "../../..");
/** Files outside the renderer folder that end up in the bundle. */
const sharedSources = ["src/contracts/ui-api.ts", "src/domain/geo.ts", "src/domain/radio-status.ts"];
const lockDir = join(rendererRoot, ".build-lock");
const staleLockMs = 120_000;

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === "dist" || name === "node_modules" || name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

export function rendererIsStale(): boolean {
  let built: number;
  try {
    built = statSync(join(distDir, "index.html")).mtimeMs;
  } catch {
    return true;
  }
  const sources = Math.max(
    newestMtime(rendererRoot),
    ...sharedSources.map((file) => newestMtime(join(repoRoot, file))),
  );
  return sources > built;
}

function takeLock(): boolean {
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
}

async function build(log: (line: string) => void): Promise<void> {
  const { build: viteBuild } = await import("vite");
  const staging = join(rendererRoot, `.dist-${process.pid}`);
  const started = performance.now();
  await viteBuild({
    configFile: join(rendererRoot, "vite.config.ts"),
    build: { outDir: staging, emptyOutDir: true },
    logLevel: "warn",
  });
  rmSync(distDir, { recursive: true, force: true });
  renameSync(staging, distDir);
  log(`built the kiosk UI into ${distDir} in ${Math.round(performance.now() - started)} ms`);
}

export async function ensureRendererBuilt(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<void> {
  const log = options.log ?? ((line) => process.stderr.write(`[ui] ${line}\n`));
  let force = options.force ?? false;
  const deadline = Date.now() + staleLockMs;
  while (force || rendererIsStale()) {
    if (takeLock()) {
      try {
        if (force || rendererIsStale()) await build(log);
      } finally {
        rmSync(lockDir, { recursive: true, force: true });
      }
      return;
    }
    // Another process is building: wait for it, then look again (its build may already be fresh).
    if (Date.now() > deadline) throw new Error(`the kiosk UI build lock ${lockDir} was held for too long`);
    await new Promise((done) => setTimeout(done, 200));
    force = false;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  ensureRendererBuilt({ force: process.argv.includes("--force") }).catch((error: unknown) => {
    process.stderr.write(
      `kiosk UI build failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
