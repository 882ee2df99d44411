/**
 * Builds the dispatch console into apps/dispatch/web/dist when it is missing or older than its
 * sources (the dispatch service and the e2e test call it before they serve it), or always with
 * `--force` (`npm run dispatch:web:build`). How (one builder at a time, dist/ replaced in one
 * rename): apps/web-build/vite-builder.ts.
 */
import { webBuilder } from "../../web-build/vite-builder.ts";

const builder = webBuilder({
  root: import.meta.dirname,
  sharedSources: ["src/contracts", "src/domain/geo.ts", "src/domain/radio-status.ts"],
  name: "the dispatch console",
  logTag: "dispatch-web",
});
export const webDistDir = builder.distDir;
export const ensureDispatchWebBuilt = builder.ensureBuilt;

builder.runAsScript(import.meta.url);
