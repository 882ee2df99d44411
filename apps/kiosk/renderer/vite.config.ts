/**
 * Vite build of the doctor's screen: `npm run ui:build` → apps/kiosk/renderer/dist, served by the
 * core (src/server). The settings are the ones the dispatch console builds with.
 */
import { webUiViteConfig } from "../../web-build/vite-config.ts";

export default webUiViteConfig(import.meta.dirname);
