/**
 * The `sosm` command line as a technician or systemd runs it: real processes, a real pty, real
 * SQLite files, and a power cut simulated with SIGKILL.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SocatPair, waitUntil } from "../../support/socat.ts";

const root = join(import.meta.dirname, "../../..");
const cli = join(root, "apps/cli/main.ts");
const recordingPath = join(root, "apps/sim/recordings/bordeaux-night.nmea");
const recording = readFileSync(recordingPath, "latin1")
  .split(/\r\n/)
  .filter((line) => line.startsWith("$"));

function sosm(args: string[], input?: string) {
  return spawnSync(process.execPath, ["--import", "tsx", cli, ...args], {
    cwd: root,
    encoding: "utf8",
    input,
  });
}

function countPositions(dbPath: string): number {
  if (!existsSync(dbPath)) return 0;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM positions").get() as { n: number }).n;
  } catch {
    return 0; // the core has not created its tables yet
  } finally {
    db.close();
  }
}

describe("sosm command line", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sosm-cli-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("gnss decode prints one position body per fix and counts on stderr", () => {
    const result = sosm(["gnss", "decode", recordingPath]);
    expect(result.status).toBe(0);
    const fixes = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    // 600 s of drive with a 40 s tunnel: 560 fixes.
    expect(fixes).toHaveLength(560);
    expect(Object.keys(fixes[0]).sort()).toEqual([
      "alt",
      "fix",
      "fixTime",
      "hdop",
      "heading",
      "lat",
      "lon",
      "sats",
      "speed",
    ]);
    expect(result.stderr).toMatch(/fix\.accepted\s+560/);
  });

  it("gnss decode reads stdin and takes the reference date from --date", () => {
    const noDate = "$GPGGA,123519.00,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*5C\r\n";
    const withDate = recording.slice(0, 14).join("\r\n");
    const result = sosm(["gnss", "decode", "-", "--date", "2026-11-23"], `${withDate}\r\n${noDate}`);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n").length).toBeGreaterThanOrEqual(1);
  });

  it("gnss decode dates a receiver that sends no date (GLL only) from --date", () => {
    const gll = "$ECGLL,5119.881,N,00125.169,E,164326,A,D*52\r\n";
    const result = sosm(["gnss", "decode", "-", "--date", "2012-01-19"], gll);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({
      fixTime: "2012-01-19T16:43:26.000Z",
      fix: "dgps",
    });
    expect(sosm(["gnss", "decode", "-"], gll).stderr).toMatch(/fix\.rejected\.no_date\s+1/);
  });

  it("refuses a bad config with the field's path and the reason", () => {
    const config = join(dir, "core.json");
    writeFileSync(
      config,
      JSON.stringify({ fleet: "Bordeaux!", vehicle: "BDX-07", profile: "bdx-07", mqtt: { url: "x" } }),
    );
    const result = sosm(["core", "--config", config]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/fleet: /);
    expect(result.stderr).toMatch(/mqtt\.url: /);
    const env = spawnSync(process.execPath, ["--import", "tsx", cli, "core", "--config", config], {
      cwd: root,
      encoding: "utf8",
      env: {
        ...process.env,
        SOSM_FLEET: "bordeaux",
        SOSM_MQTT_URL: "mqtt://127.0.0.1:1883",
        SOSM_GNSS_BAUD: "fast",
      },
    });
    expect(env.status).toBe(2);
    expect(env.stderr).toMatch(/gnss\.baudRate: .*SOSM_GNSS_BAUD/);
  });

  describe("power cut", () => {
    let pair: SocatPair;
    let core: ChildProcess | null = null;
    beforeEach(async () => {
      pair = await SocatPair.start();
    });
    afterEach(async () => {
      core?.kill("SIGKILL");
      await pair.close();
    });

    function startCore(configPath: string): ChildProcess {
      const child = spawn(process.execPath, ["--import", "tsx", cli, "core", "--config", configPath], {
        cwd: root,
        stdio: "ignore",
      });
      core = child;
      return child;
    }

    it("keeps the track whole when the core is killed with SIGKILL, and carries on after a restart", async () => {
      const configPath = join(dir, "core.json");
      const dbPath = join(dir, "data", "core.sqlite");
      writeFileSync(
        configPath,
        JSON.stringify({
          fleet: "bordeaux",
          vehicle: "BDX-07",
          profile: "bdx-07",
          dataDir: join(dir, "data"),
          gnss: { port: pair.b },
          mqtt: { url: "mqtt://127.0.0.1:1" },
          logLevel: "silent",
        }),
      );
      const first = startCore(configPath);
      // Feed one epoch at a time until the core has committed a few batches, then cut the power.
      let line = 0;
      const feed = setInterval(() => {
        const epoch: string[] = [];
        while (line < recording.length && epoch.length < 7) epoch.push(recording[line++] as string);
        void pair.write("a", `${epoch.join("\r\n")}\r\n`).catch(() => {});
      }, 20);
      try {
        await waitUntil(() => countPositions(dbPath) >= 20, "committed fixes before the power cut", 20_000);
        first.kill("SIGKILL");
        await new Promise((resolve) => first.once("exit", resolve));
        const afterCut = countPositions(dbPath);
        const db = new Database(dbPath);
        expect(db.pragma("quick_check", { simple: true })).toBe("ok");
        db.close();
        startCore(configPath);
        await waitUntil(() => countPositions(dbPath) > afterCut + 10, "fixes after the restart", 20_000);
      } finally {
        clearInterval(feed);
      }
    });
  });
});
