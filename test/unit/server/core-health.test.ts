/**
 * `GET /api/health` (issue 9): the core's memory and active handles, for the soak suite and for a
 * technician, behind the same per-boot token as the rest of the loopback API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import { coreHealthPath, coreHealthSchema } from "../../../src/contracts/core-health.ts";
import { KioskServer } from "../../../src/server/kiosk-server.ts";
import { rawRequest } from "../../support/kiosk-http.ts";

const token = "t0k3n-for-the-health-tests-0123456789abcdef";
const coreNow = Date.parse("2026-11-24T03:00:00.000Z");
let server: KioskServer;
let port: number;

beforeAll(async () => {
  server = new KioskServer({
    host: "127.0.0.1",
    port: 0,
    token,
    staticDir: "/nonexistent",
    logger: createLogger({ name: "core-health-test", level: "silent" }),
    now: () => coreNow,
    api: {
      snapshot: () => {
        throw new Error("not used");
      },
      execute: async () => ({ ok: true }),
      onChange: () => () => {},
    },
  });
  ({ port } = await server.start());
});

afterAll(async () => {
  await server?.stop();
});

describe("the core's health report", () => {
  it("gives the core's clock, its memory and its active handles by kind", async () => {
    const response = await rawRequest({
      port,
      path: coreHealthPath,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    const health = coreHealthSchema.parse(JSON.parse(response.body));
    expect(health.now).toBe(coreNow);
    expect(health.pid).toBe(process.pid);
    expect(health.memory.rss).toBeGreaterThan(health.memory.heapUsed);
    // This very request holds a TCP socket open in the server's process (the test's process).
    expect(health.resources.TCPSocketWrap).toBeGreaterThanOrEqual(1);
  });

  it("is refused without the per-boot token, like the rest of /api/", async () => {
    expect((await rawRequest({ port, path: coreHealthPath })).status).toBe(401);
    const wrong = await rawRequest({ port, path: coreHealthPath, headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
  });
});
