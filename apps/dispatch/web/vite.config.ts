/**
 * Vite build of the dispatch console: `npm run dispatch:web:build` → apps/dispatch/web/dist, served
 * by the dispatch service. The settings are the ones the doctor's screen builds with.
 */
import { webUiViteConfig } from "../../web-build/vite-config.ts";

export default webUiViteConfig(import.meta.dirname);
