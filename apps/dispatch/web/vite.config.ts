/**
 * Vite build of the dispatch console: `npm run dispatch:web:build` → apps/dispatch/web/dist, served
 * by the dispatch service. Everything is bundled (no CDN: a control room may be cut off from the
 * internet while the fleet still reaches the broker); no inline script or style in index.html, so
 * the server's CSP can forbid them.
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
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  // The console imports the API contract from src/contracts and small parts of the kiosk renderer.
  server: { fs: { allow: [resolve(root, "../../..")] } },
  logLevel: "warn",
});
