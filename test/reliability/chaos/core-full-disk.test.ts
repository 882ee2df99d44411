/**
 * Regressions found by the chaos suite, on a real full file system (a small tmpfs; skipped, with the
 * reason, where mounting is refused):
 *  - the core restarted on a full disk used to exit at once (the profile's roster could not be
 *    written), so no position and no alarm left the car until space came back;
 *  - kiosk.json could not be written, and was never tried again: the screen could not find the core
 *    until its next restart.
 * (A core stopped cleanly, then started on a disk that filled up meanwhile, still cannot open its
 * database: SQLite must create its WAL index. systemd restarts it until space is back.)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Core } from "../../../src/app/core.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { loadVehicleProfile } from "../../../src/app/profile-loader.ts";
import { configSchema } from "../../../src/contracts/config.ts";
import { systemClock } from "../../../src/services/ports.ts";
import { CarProcess } from "../../support/car-process.ts";
import { waitUntil } from "../../support/socat.ts";
import { type Capability, fillDisk, freeDisk, mountTmpfs, unmount } from "./chaos-host.ts";

const root = join(import.meta.dirname, "../../..");
const dir = mkdtempSync(join(tmpdir(), "sosm-full-disk-"));
const dataDir = join(dir, "data");
let disk: Capability = { ok: false, reason: "not tried" };

beforeAll(() => {
  mkdirSync(dataDir, { recursive: true });
  disk = mountTmpfs(dataDir, "8m");
  if (!disk.ok) console.warn(`core on a full disk: SKIPPED, ${disk.reason}`);
});
afterAll(() => {
  if (disk.ok) unmount(dataDir);
  rmSync(dir, { recursive: true, force: true });
});

function newCore(): Core {
  const config = configSchema.parse({
    fleet: "bordeaux",
    vehicle: "BDX-07",
    profile: "bdx-07",
    dataDir,
    gnss: { port: join(dir, "no-receiver") },
    equipment: { port: join(dir, "no-controller") },
    mqtt: { url: "mqtt://127.0.0.1:1", reconnectMaxSeconds: 1 },
    http: { port: 0 },
    logLevel: "silent",
  });
  return new Core({
    config,
    profile: loadVehicleProfile(join(root, "hardware/profiles/bdx-07.json")),
    logger: createLogger({ name: "full-disk", level: "silent" }),
    clock: systemClock,
  });
}

describe("the core on a full data disk", () => {
  it("starts, serves its screen, and hands it kiosk.json once space is back", async (context) => {
    if (!disk.ok) return context.skip();
    // A first core runs, the disk fills up to the last byte, and the power is cut (its WAL stays).
    const first = new CarProcess({ dir, mqttUrl: "mqtt://127.0.0.1:1", logLevel: "silent" });
    first.start();
    await waitUntil(() => existsSync(join(dataDir, "kiosk.json")), "the first core's kiosk.json", 30_000);
    expect(fillDisk(dataDir)).toBeLessThan(4096);
    await first.kill();
    rmSync(join(dataDir, "kiosk.json"), { force: true });
    const core = newCore();
    try {
      core.start();
      const address = await core.kiosk.ready();
      const handoff = join(dataDir, "kiosk.json");
      expect(existsSync(handoff)).toBe(false); // no room for it yet
      const health = await fetch(`${address.url}healthz`);
      expect(health.status).toBe(200);
      freeDisk(dataDir);
      await waitUntil(() => existsSync(handoff), "kiosk.json written once space is back", 15_000);
      expect(JSON.parse(readFileSync(handoff, "utf8"))).toMatchObject({
        token: core.kiosk.token,
        pid: process.pid,
      });
    } finally {
      freeDisk(dataDir);
      await core.stop();
    }
  });
});
