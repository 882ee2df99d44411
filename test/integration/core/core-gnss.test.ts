/**
 * The terminal core as the car runs it: a receiver on a real pty (socat), the core's serial source,
 * decoder and tracker, and a real SQLite track file.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Core } from "../../../src/app/core.ts";
import { createLogger } from "../../../src/app/logger.ts";
import { loadVehicleProfile } from "../../../src/app/profile-loader.ts";
import { configSchema } from "../../../src/contracts/config.ts";
import { systemClock } from "../../../src/services/ports.ts";
import { SocatPair, waitUntil } from "../../support/socat.ts";

const root = join(import.meta.dirname, "../../..");
const recording = readFileSync(join(root, "apps/sim/recordings/bordeaux-night.nmea"), "latin1")
  .split(/\r\n/)
  .filter((line) => line.startsWith("$"));
const profile = loadVehicleProfile(join(root, "hardware/profiles/bdx-07.json"));
const logger = createLogger({ name: "test-core", level: "silent" });

describe("terminal core with a receiver on a real pty", () => {
  let pair: SocatPair;
  let dataDir: string;
  let core: Core | null = null;

  beforeEach(async () => {
    pair = await SocatPair.start();
    dataDir = mkdtempSync(join(tmpdir(), "sosm-core-"));
  });

  afterEach(async () => {
    await core?.stop();
    core = null;
    await pair.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function startCore(): Core {
    const config = configSchema.parse({
      fleet: "bordeaux",
      vehicle: "BDX-07",
      profile: "bdx-07",
      dataDir,
      gnss: { port: pair.b },
      mqtt: { url: "mqtt://127.0.0.1:1" },
    });
    core = new Core({ config, profile, logger, clock: systemClock });
    core.start();
    return core;
  }

  it("stores every fix of a drive, and decodes the sentences around garbage", async () => {
    const running = startCore();
    const first = recording.slice(0, 200);
    const garbage = Buffer.concat([
      Buffer.from("\x00\x00\x1b[2J\x1b[H$GPRMC,123519*6A\r\n$GPGGA,bad*00\r\n"),
      Buffer.from([0xe2, 0x80, 0xff, 0x0d, 0x0a]),
      Buffer.alloc(4096, 0x41), // far past the 256-byte line bound
      Buffer.from("\r\n"),
    ]);
    const second = recording.slice(200, 400);
    await pair.write("a", `${first.join("\r\n")}\r\n`);
    await pair.write("a", garbage);
    await pair.write("a", `${second.join("\r\n")}\r\n`);
    const expectedFixes = [...first, ...second].filter(
      (l) => l.startsWith("$GPRMC") && l.includes(",A,"),
    ).length;
    // The last cycle is only complete when the next one starts: allow it to stay pending.
    await waitUntil(
      () => running.tracker.counts()["fix.accepted"] === expectedFixes - 1,
      "fixes decoded",
      15_000,
    );
    running.tracker.flush();
    expect(running.track.count()).toBe(expectedFixes - 1);
    expect(running.tracker.health("en").state).toBe("fix");
    const counts = running.tracker.counts();
    expect(counts["frame.bad_checksum"] ?? 0).toBeGreaterThan(0);
  });

  it("says the receiver is unplugged, then recovers the fixes after a replug", async () => {
    const running = startCore();
    await pair.write("a", `${recording.slice(0, 40).join("\r\n")}\r\n`);
    await waitUntil(() => (running.tracker.counts()["fix.accepted"] ?? 0) >= 4, "first fixes", 15_000);
    await pair.unplug();
    await waitUntil(() => running.tracker.linkStatus().state === "retrying", "retrying status", 10_000);
    expect(running.tracker.health("fr").summary).toMatch(/récepteur déconnecté, nouvel essai dans \d+ s/);
    const before = running.tracker.counts()["fix.accepted"] ?? 0;
    await pair.replug();
    await waitUntil(() => running.tracker.linkStatus().state === "connected", "reconnected", 15_000);
    await pair.write("a", `${recording.slice(40, 120).join("\r\n")}\r\n`);
    await waitUntil(
      () => (running.tracker.counts()["fix.accepted"] ?? 0) > before + 4,
      "fixes after replug",
      15_000,
    );
  });

  it("keeps the committed track when the core is stopped and the file reopened", async () => {
    const running = startCore();
    await pair.write("a", `${recording.slice(0, 120).join("\r\n")}\r\n`);
    await waitUntil(() => (running.tracker.counts()["fix.accepted"] ?? 0) >= 15, "fixes", 15_000);
    const accepted = running.tracker.counts()["fix.accepted"] ?? 0;
    await running.stop();
    core = null;
    const db = new Database(join(dataDir, "core.sqlite"), { readonly: true });
    const row = db.prepare("SELECT count(*) AS n FROM positions").get() as { n: number };
    db.close();
    expect(row.n).toBe(accepted);
  });
});
