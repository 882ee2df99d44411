#!/usr/bin/env node
// `npm run kiosk:build`: bundles the kiosk shell into dist/ for Electron and electron-builder.
//   dist/main.cjs    the main process (entry.ts + zod), CommonJS, "electron" left external;
//   dist/preload.cjs the sandboxed preload, a plain script (a sandboxed preload is not a module).
// esbuild, not tsc: the shell reads kiosk.json with zod, and the packaged app ships no node_modules
// (electron-builder.yml), so everything it needs must be inside the bundle. Type-checking is
// `npm run typecheck`, which covers these files with the rest of the tree.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
// `--outdir=DIR` builds elsewhere (the packaging test builds into a temporary folder).
const outdirFlag = process.argv.find((arg) => arg.startsWith("--outdir="));
const outdir = outdirFlag ? outdirFlag.slice("--outdir=".length) : join(here, "dist");
// Electron 45 embeds Node 22.
const common = {
  bundle: true,
  platform: "node",
  target: "node22",
  logLevel: "warning",
  legalComments: "none",
};

rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { main: join(here, "entry.ts") },
  format: "cjs",
  external: ["electron"],
  outdir,
  outExtension: { ".js": ".cjs" },
});
await build({
  ...common,
  entryPoints: { preload: join(here, "preload.ts") },
  format: "iife",
  outdir,
  outExtension: { ".js": ".cjs" },
});
process.stderr.write(`[kiosk:build] ${outdir}/main.cjs and preload.cjs\n`);
