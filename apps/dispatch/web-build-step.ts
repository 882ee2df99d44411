/**
 * Builds the dispatch console (apps/dispatch/web) when it is missing or stale, before the service
 * serves it. A failure (no devDependencies on a production install, say) is logged, not fatal: the
 * service and its API run without the console, and `/` says how to build it.
 */
import type { Logger } from "../../src/services/ports.ts";

export async function buildWebIfNeeded(logger: Logger): Promise<void> {
  try {
    const { ensureDispatchWebBuilt } = await import("./web/build-web.ts");
    await ensureDispatchWebBuilt({ log: (line) => logger.info(line) });
  } catch (error) {
    logger.warn({ err: error }, "the dispatch console could not be built; the API runs without it");
  }
}
