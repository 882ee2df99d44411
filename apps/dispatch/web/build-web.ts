/**
 * Builds the dispatch console into apps/dispatch/web/dist when it is missing or older than its
 * sources (the dispatch service and the e2e test call it before they serve it), or always with
 * `--force` (`npm run dispatch:web:build`).
 *
 * Same scheme as the kiosk's build-ui.ts: a lock folder makes one process build while the others
 * wait, and the build goes to a fresh folder that replaces dist/ in one rename, so the server never
 * serves half a build.
 */
import { webBuilder } from "../../web-build/vite-builder.ts";

export const webRoot = import.meta.dirname;
const builder = webBuilder({
  root: webRoot,
  sharedSources: [
    "src/contracts",
    "src/domain/geo.ts",
    "src/domain/radio-status.ts",
    "apps/kiosk/renderer/src/format.ts",
    "apps/web-build/palette.css",
  ],
  name: "the dispatch console",
  logTag: "dispatch-web",
});
export const webDistDir = builder.distDir;
export const webIsStale = builder.isStale;
export const ensureDispatchWebBuilt = builder.ensureBuilt;

builder.runAsScript(import.meta.url);
