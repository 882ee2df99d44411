/**
 * The bundle's entry point (`npm run kiosk:build` → dist/main.cjs): Electron runs this file.
 * main.ts only exports, so that tests can import it with "electron" mocked.
 */
import { runKioskApp } from "./main.ts";

runKioskApp({ argv: process.argv, env: process.env });
