/**
 * Builds the doctor's screen into apps/kiosk/renderer/dist when it is missing or older than its
 * sources (`npm start` and the test suites call it before they need the UI), or always with
 * `--force` (`npm run ui:build`). How (one builder at a time, dist/ replaced in one rename):
 * apps/web-build/vite-builder.ts.
 */
import { webBuilder } from "../../web-build/vite-builder.ts";

const builder = webBuilder({
  root: import.meta.dirname,
  // Folders or files outside the renderer that it imports (a change there must rebuild it).
  sharedSources: [
    "src/contracts",
    "src/domain/geo.ts",
    "src/domain/radio-status.ts",
    "src/domain/shifts/rpps.ts",
  ],
  name: "the kiosk UI",
  logTag: "ui",
});
export const ensureRendererBuilt = builder.ensureBuilt;

builder.runAsScript(import.meta.url);
