/**
 * Builds the dispatch console into apps/dispatch/web/dist when it is missing or older than its
 * sources (the dispatch service and the e2e test call it before they serve it), or always with
 * `--force` (`npm run dispatch:web:build`).
 *
 * Same scheme as the kiosk's build-ui.ts: a lock folder makes one process build while the others
 * wait, and the build goes to a fresh folder that replaces dist/ in one rename, so the server never
 * serves half a build.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const webRoot = import.meta.dirname;
export const webDistDir = join(webRoot, "dist");
const repoRoot = resolve(webRoot, "../../..");
/** Files outside the web folder that end up in the bundle. */
const sharedSources = [
  "src/contracts",
  "src/domain/geo.ts",
  "src/domain/radio-status.ts",
  "apps/kiosk/renderer/src/format.ts",
];
const lockDir = join(webRoot, ".build-lock");
const staleLockMs = 120_000;

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

export function webIsStale(): boolean {
  let built: number;
  try {
    built = statSync(join(webDistDir, "index.html")).mtimeMs;
  } catch {
    return true;
  }
  const sources = Math.max(
    newestMtime(webRoot),
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
  const staging = join(webRoot, `.dist-${process.pid}`);
  const started = performance.now();
  await viteBuild({
    configFile: join(webRoot, "vite.config.ts"),
    build: { outDir: staging, emptyOutDir: true },
    logLevel: "warn",
  });
  rmSync(webDistDir, { recursive: true, force: true });
  renameSync(staging, webDistDir);
  log(`built the dispatch console into ${webDistDir} in ${Math.round(performance.now() - started)} ms`);
}

export async function ensureDispatchWebBuilt(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<void> {
  const log = options.log ?? ((line) => process.stderr.write(`[dispatch-web] ${line}\n`));
  let force = options.force ?? false;
  const deadline = Date.now() + staleLockMs;
  while (force || webIsStale()) {
    if (takeLock()) {
      try {
        if (force || webIsStale()) await build(log);
      } finally {
        rmSync(lockDir, { recursive: true, force: true });
      }
      return;
    }
    // Another process is building: wait for it, then look again (its build may already be fresh).
    if (Date.now() > deadline)
      throw new Error(`the dispatch console build lock ${lockDir} was held for too long`);
    await new Promise((done) => setTimeout(done, 200));
    force = false;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  ensureDispatchWebBuilt({ force: process.argv.includes("--force") }).catch((error: unknown) => {
    process.stderr.write(
      `dispatch console build failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
