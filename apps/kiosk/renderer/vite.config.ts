/**
 * Vite build of the doctor's screen: `npm run ui:build` → apps/kiosk/renderer/dist, served by the
 * core (src/server). Everything is bundled (no CDN: the car may have no network); no inline script
 * or style ends up in index.html, so the server's CSP can forbid them.
 */
import { resolve } from "node:path";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: "/",
  plugins: [preact()],
  build: {
    outDir: resolve(root, "dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The CSP forbids nothing Vite's modulepreload polyfill needs, but Chromium and Electron need none.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  // The renderer imports the UI API contract from src/contracts.
  server: { fs: { allow: [resolve(root, "../../..")] } },
  logLevel: "warn",
});
