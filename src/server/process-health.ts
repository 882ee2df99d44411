/**
 * Builds the core's health report (src/contracts/core-health.ts) from the process itself. Cheap: no
 * heap snapshot, no GC; `getActiveResourcesInfo` lists what keeps the event loop alive, so a leaked
 * socket, file or timer shows up as a growing count of its kind.
 */
import type { CoreHealth } from "../contracts/core-health.ts";

export function processHealth(now: number): CoreHealth {
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const resources: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  return {
    now,
    uptimeS: process.uptime(),
    pid: process.pid,
    memory: { rss, heapTotal, heapUsed, external, arrayBuffers },
    resources,
  };
}
