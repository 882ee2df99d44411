/**
 * The Vite configuration both web UIs build with (`vite-builder.ts` runs it; each UI's
 * vite.config.ts only names its root). Everything is bundled (no CDN: the car may have no network,
 * a control room may be cut off from the internet while the fleet still reaches the broker), and no
 * inline script or style ends up in index.html, so the servers' CSP can forbid them.
 */
import { resolve } from "node:path";
import preact from "@preact/preset-vite";
import { defineConfig, type UserConfig } from "vite";

/** The repository: both UIs import the API contracts from src/ and the shared parts from here. */
const repoRoot = resolve(import.meta.dirname, "../..");

export function webUiViteConfig(root: string): UserConfig {
  return defineConfig({
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
    server: { fs: { allow: [repoRoot] } },
    logLevel: "warn",
  });
}
