/**
 * Vitest global setup: the kiosk tests serve the built renderer, so build it first when it is
 * missing or older than its sources (a few seconds, once; nothing when it is fresh).
 */
import { ensureRendererBuilt } from "../../apps/kiosk/renderer/build-ui.ts";

export default async function setup(): Promise<void> {
  await ensureRendererBuilt();
}
