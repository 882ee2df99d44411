import { describe, expect, it } from "vitest";
import { configFieldEnv, configSchema } from "../../../src/contracts/config.ts";

const minimal = {
  fleet: "bordeaux",
  vehicle: "BDX-07",
  profile: "bdx-07",
  mqtt: { url: "mqtts://broker.example:8883" },
};

function issuesOf(input: unknown): Array<{ path: string; message: string }> {
  const result = configSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

describe("configSchema", () => {
  it("fills every default from a minimal config", () => {
    expect(configSchema.parse(minimal)).toEqual({
      ...minimal,
      dataDir: "data",
      logLevel: "info",
      gnss: {},
      equipment: {},
      mqtt: {
        url: "mqtts://broker.example:8883",
        keepaliveSeconds: 30,
        protocolVersion: 5,
        reconnectMaxSeconds: 30,
      },
      http: { host: "127.0.0.1", port: 7380 },
      positions: { retentionDays: 30 },
      missions: { purgeAfterHours: 24, readinessPolicy: "warn" },
      ui: { theme: "auto", lang: "fr" },
      shifts: { allowUnknownDoctors: false, checklistValidHours: 12, lockAfterSeconds: 120, policy: "warn" },
    });
  });

  it("leaves serial ports unset so that the vehicle profile's devices apply", () => {
    const config = configSchema.parse(minimal);
    expect(config.gnss.port).toBeUndefined();
    expect(config.equipment.baudRate).toBeUndefined();
  });

  it("accepts a full config with TLS client identity and serial overrides", () => {
    const full = {
      ...minimal,
      dataDir: "/var/lib/sosm",
      logLevel: "debug",
      gnss: { port: "/dev/pts/7", baudRate: 4800 },
      equipment: { port: "/dev/pts/8", baudRate: 9600 },
      mqtt: {
        url: "mqtts://b:8883",
        username: "u",
        password: "p",
        tls: { ca: "ca.pem", cert: "c.pem", key: "k.pem" },
      },
      http: { port: 0 },
      positions: { retentionDays: 7 },
    };
    expect(configSchema.safeParse(full).success).toBe(true);
  });

  it("rejects fleet and vehicle ids outside PROTOCOL.md's patterns", () => {
    expect(issuesOf({ ...minimal, fleet: "Bordeaux" })).toEqual([
      { path: "fleet", message: "expected 1 to 32 characters among a-z, 0-9 and -" },
    ]);
    expect(issuesOf({ ...minimal, vehicle: "BDX 07" })[0]?.path).toBe("vehicle");
    expect(issuesOf({ ...minimal, vehicle: "x".repeat(33) })[0]?.path).toBe("vehicle");
    expect(issuesOf({ ...minimal, vehicle: "bdx_07-B" })).toEqual([]);
  });

  it("refuses an HTTP host other than loopback", () => {
    expect(issuesOf({ ...minimal, http: { host: "0.0.0.0" } })).toEqual([
      { path: "http.host", message: "must be 127.0.0.1 (the API is loopback only)" },
    ]);
  });

  it("reports a misspelt key instead of silently applying the default", () => {
    expect(issuesOf({ ...minimal, gnss: { baudrate: 4800 } })).toEqual([
      { path: "gnss", message: 'Unrecognized key: "baudrate"' },
    ]);
  });

  it("rejects a non-standard baud rate such as 96000", () => {
    expect(issuesOf({ ...minimal, equipment: { baudRate: 96000 } })[0]?.path).toBe("equipment.baudRate");
  });

  it("rejects TLS files on an unencrypted MQTT URL, and a certificate without its key", () => {
    const paths = issuesOf({ ...minimal, mqtt: { url: "mqtt://b:1883", tls: { cert: "c.pem" } } }).map(
      (issue) => issue.path,
    );
    expect(paths.sort()).toEqual(["mqtt.tls", "mqtt.tls.key"]);
  });

  it("rejects a URL that is not MQTT", () => {
    expect(issuesOf({ ...minimal, mqtt: { url: "http://b" } })[0]?.path).toBe("mqtt.url");
  });

  it("binds every env override the brief requires", () => {
    expect(Object.keys(configFieldEnv)).toEqual(
      expect.arrayContaining([
        "SOSM_FLEET",
        "SOSM_VEHICLE",
        "SOSM_DATA_DIR",
        "SOSM_GNSS_PORT",
        "SOSM_GNSS_BAUD",
        "SOSM_EQUIPMENT_PORT",
        "SOSM_MQTT_URL",
        "SOSM_HTTP_PORT",
      ]),
    );
  });
});
