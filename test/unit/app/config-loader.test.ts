import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, defaultProfilesDir, loadConfig } from "../../../src/app/config-loader.ts";

const fileConfig = {
  fleet: "bordeaux",
  vehicle: "BDX-07",
  profile: "bdx-07",
  dataDir: "data",
  mqtt: {
    url: "mqtts://broker.example:8883",
    tls: { ca: "certs/ca.pem", cert: "/etc/sosm/c.pem", key: "k.pem" },
  },
};

/** readFile over an in-memory folder, so each test states its file. */
function files(content: Record<string, unknown>): (path: string) => string {
  return (path) => {
    const value = content[path];
    if (value === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
    return typeof value === "string" ? value : JSON.stringify(value);
  };
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("reads a real JSON file and resolves its relative paths against the file's folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "sosm-config-"));
    temps.push(dir);
    writeFileSync(join(dir, "core.json"), JSON.stringify(fileConfig));
    const config = loadConfig({ argvConfigPath: join(dir, "core.json"), env: {}, cwd: "/somewhere/else" });
    expect(config.dataDir).toBe(join(dir, "data"));
    expect(config.mqtt.tls).toEqual({
      ca: join(dir, "certs/ca.pem"),
      cert: "/etc/sosm/c.pem",
      key: join(dir, "k.pem"),
    });
    expect(config.profile).toBe(join(defaultProfilesDir, "bdx-07.json"));
    expect(config.http).toEqual({ host: "127.0.0.1", port: 7380 });
  });

  it("resolves a --config path given relative to the working directory", () => {
    const config = loadConfig({
      argvConfigPath: "conf/core.json",
      cwd: "/opt/sosm",
      env: {},
      readFile: files({ "/opt/sosm/conf/core.json": { ...fileConfig, profile: "../profiles/car.json" } }),
    });
    expect(config.profile).toBe("/opt/sosm/profiles/car.json");
    expect(config.dataDir).toBe("/opt/sosm/conf/data");
  });

  it("applies env overrides over the file, coercing numbers", () => {
    const config = loadConfig({
      argvConfigPath: "/etc/sosm/core.json",
      env: {
        SOSM_FLEET: "lyon",
        SOSM_VEHICLE: "LYO-02",
        SOSM_DATA_DIR: "run/data",
        SOSM_GNSS_PORT: "/dev/pts/4",
        SOSM_GNSS_BAUD: "4800",
        SOSM_EQUIPMENT_PORT: "/dev/pts/5",
        SOSM_MQTT_URL: "mqtts://other:8883",
        SOSM_HTTP_PORT: " 0 ",
        SOSM_LOG_LEVEL: "",
      },
      cwd: "/home/dev",
      readFile: files({ "/etc/sosm/core.json": fileConfig }),
    });
    expect(config.fleet).toBe("lyon");
    expect(config.vehicle).toBe("LYO-02");
    // A path typed in the environment is relative to where the person typing it stands.
    expect(config.dataDir).toBe("/home/dev/run/data");
    expect(config.gnss).toEqual({ port: "/dev/pts/4", baudRate: 4800 });
    expect(config.equipment).toEqual({ port: "/dev/pts/5" });
    expect(config.mqtt.url).toBe("mqtts://other:8883");
    expect(config.mqtt.tls?.ca).toBe("/etc/sosm/certs/ca.pem");
    expect(config.http.port).toBe(0);
    // An empty variable counts as unset.
    expect(config.logLevel).toBe("info");
  });

  it("builds a whole config from the environment alone", () => {
    const config = loadConfig({
      env: {
        SOSM_FLEET: "bordeaux",
        SOSM_VEHICLE: "BDX-07",
        SOSM_PROFILE: "bdx-07",
        SOSM_MQTT_URL: "mqtt://localhost:1883",
      },
      cwd: "/srv",
    });
    expect(config.dataDir).toBe("/srv/data");
    expect(config.profile).toBe(join(defaultProfilesDir, "bdx-07.json"));
  });

  it("names the variable when an env number is not a number", () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: { SOSM_GNSS_BAUD: "fast", SOSM_HTTP_PORT: "80.5", SOSM_DATA_DIR: "" },
        readFile: files({ "/c.json": fileConfig }),
        argvConfigPath: "/c.json",
      }),
    );
    expect(problems).toEqual([
      'gnss.baudRate: expected a number, got "fast" (from SOSM_GNSS_BAUD)',
      "http.port: expected an integer, got 80.5 (from SOSM_HTTP_PORT)",
    ]);
  });

  it("lists every problem at once, each as path: reason", () => {
    const error = (() => {
      try {
        loadConfig({
          argvConfigPath: "/etc/sosm/core.json",
          env: {},
          readFile: files({
            "/etc/sosm/core.json": {
              fleet: "Bordeaux",
              profile: "bdx-07",
              gnss: { baudrate: 4800 },
              mqtt: { url: "mqtts://b:8883" },
              http: { host: "0.0.0.0", port: "7380" },
              logLevel: "verbose",
              positions: { retentionDays: 0 },
            },
          }),
        });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect([...error.problems].sort()).toEqual(
      [
        'fleet: expected 1 to 32 characters among a-z, 0-9 and -, got "Bordeaux"',
        "vehicle: required",
        'logLevel: expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got "verbose"',
        "gnss.baudrate: unknown field",
        'http.host: must be 127.0.0.1 (the API is loopback only), got "0.0.0.0"',
        'http.port: expected a number, got "7380"',
        "positions.retentionDays: must be at least 1, got 0",
      ].sort(),
    );
    expect(error.message).toContain("Invalid configuration (/etc/sosm/core.json):\n  - ");
  });

  it("reports a missing file and invalid JSON by file name", () => {
    expect(
      problemsOf(() => loadConfig({ argvConfigPath: "/nope.json", env: {}, readFile: files({}) }))[0],
    ).toMatch(/^\/nope\.json: cannot read the file \(ENOENT/);
    expect(
      problemsOf(() =>
        loadConfig({ argvConfigPath: "/bad.json", env: {}, readFile: files({ "/bad.json": "{ fleet: 1" }) }),
      )[0],
    ).toMatch(/^\/bad\.json: not valid JSON/);
    expect(
      problemsOf(() =>
        loadConfig({ argvConfigPath: "/arr.json", env: {}, readFile: files({ "/arr.json": "[]" }) }),
      ),
    ).toEqual(["/arr.json: expected a JSON object, got an array"]);
  });

  it("reports the file's mistake when an env override cannot reach into it", () => {
    const problems = problemsOf(() =>
      loadConfig({
        argvConfigPath: "/c.json",
        env: { SOSM_GNSS_PORT: "/dev/pts/1" },
        readFile: files({ "/c.json": { ...fileConfig, gnss: "/dev/ttyUSB0" } }),
      }),
    );
    expect(problems).toEqual(['gnss: expected an object, got "/dev/ttyUSB0"']);
  });
});
