/**
 * Builds the doctor's screen into apps/kiosk/renderer/dist when it is missing or older than its
 * sources (`npm start` and the test suites call it before they need the UI), or always with
 * `--force` (`npm run ui:build`).
 *
 * Several processes may ask at once (two vitest runs, `npm start` in another terminal): a lock
 * folder makes one of them build while the others wait, and the build goes to a fresh folder that
 * replaces dist/ in one rename, so the server never serves half a build.
 */
import { webBuilder } from "../../web-build/vite-builder.ts";

export const rendererRoot = import.meta.dirname;
const builder = webBuilder({
  root: rendererRoot,
  sharedSources: [
    "src/contracts/ui-api.ts",
    "src/domain/geo.ts",
    "src/domain/radio-status.ts",
    "apps/web-build/palette.css",
  ],
  name: "the kiosk UI",
  logTag: "ui",
});
export const distDir = builder.distDir;
export const rendererIsStale = builder.isStale;
export const ensureRendererBuilt = builder.ensureBuilt;

builder.runAsScript(import.meta.url);
