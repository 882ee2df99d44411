/**
 * The core's process health (issue 9, soak): `GET /api/health` on the loopback API, with the same
 * per-boot token as the rest of `/api/`. It says how much memory the core holds and which libuv
 * handles it keeps open, so that a technician, or the soak suite (test/reliability/soak), can watch
 * for leaks from outside the process without a debugger. `/healthz` stays the bare liveness probe.
 */
import { z } from "zod";

export const coreHealthPath = "/api/health";

const bytes = z.number().int().min(0);

export const coreHealthSchema = z.object({
  /** The core's wall clock (epoch ms) when the report was made. */
  now: z.number(),
  uptimeS: z.number().min(0),
  pid: z.number().int(),
  /** `process.memoryUsage()`, in bytes. */
  memory: z.object({
    rss: bytes,
    heapTotal: bytes,
    heapUsed: bytes,
    external: bytes,
    arrayBuffers: bytes,
  }),
  /** Active libuv handles and requests by kind (`process.getActiveResourcesInfo()`), e.g. TCPSocketWrap. */
  resources: z.record(z.string(), z.number().int().min(0)),
});
export type CoreHealth = z.infer<typeof coreHealthSchema>;
