/**
 * The terminal core's configuration: one JSON file given by `--config`, plus environment overrides
 * (`configFieldEnv`). The schema is the single source of truth (DESIGN.md §2): `Config` is inferred.
 *
 * Objects are strict on purpose: a misspelt key in a hand-edited file (`baudrate` for `baudRate`)
 * must be reported, not silently ignored while the default applies.
 *
 * Serial ports: the vehicle profile (hardware/profiles) says which device and baud rate the car's
 * receiver and controller use. `gnss.port`/`gnss.baudRate` and `equipment.*` here are optional
 * overrides of the profile (a dev pty, a bench receiver); see `resolveSerialPorts` in
 * src/app/profile-loader.ts. The effective default is therefore the profile's, which defaults to
 * 9600 baud: the NMEA 0183 standard rate is 4800, but current receivers (u-blox M8/M10, Quectel
 * L76, MediaTek) ship at 9600, and the `$PSOS` controller line is 9600 8N1 (PROTOCOL.md B).
 */
import { z } from "zod";

/** PROTOCOL.md A, Identifiers. */
export const fleetIdSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,32}$/, { error: "expected 1 to 32 characters among a-z, 0-9 and -" });
export const vehicleIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, { error: "expected 1 to 32 characters among A-Z, a-z, 0-9, _ and -" });

/** Rates a UART and our USB adapters accept; anything else is almost certainly a typo (96000). */
export const standardBaudRates = [4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600] as const;
export const baudRateSchema = z
  .number()
  .int()
  .refine((rate) => (standardBaudRates as readonly number[]).includes(rate), {
    error: `expected one of ${standardBaudRates.join(", ")}`,
  });

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const nonEmpty = z.string().min(1, { error: "must not be empty" });

const serialOverrideSchema = z.strictObject({
  /** Device path, preferably a stable udev name such as `/dev/sosm-gnss` (PITFALLS: serialport). */
  port: nonEmpty.optional(),
  baudRate: baudRateSchema.optional(),
});

const mqttUrlSchema = z.string().refine(
  (value) => {
    try {
      return ["mqtt:", "mqtts:", "ws:", "wss:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { error: "expected a URL such as mqtts://broker.example:8883 (mqtt, mqtts, ws or wss)" },
);

/**
 * The PIN hash written by `sosm pin hash`: `scrypt$N$r$p$salt$key`, salt and key in base64url. Checked
 * here so that a pasted hash with a typo fails at start-up rather than when a doctor needs to cancel.
 */
export const pinHashPattern =
  /^scrypt\$(\d{1,7})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,88})\$([A-Za-z0-9_-]{22,88})$/;

/** Issue 4, "Alarms": the timings a fleet may tune, and the hash of the PIN that cancels an alarm. */
export const alarmsConfigSchema = z.strictObject({
  /** Lone-worker timer started on `on_scene`. */
  loneWorkerMinutes: z.number().int().min(5).max(240).default(30),
  /** What one "prolonger" adds. */
  extendMinutes: z.number().int().min(1).max(120).default(15),
  /** Countdown shown before a lone-worker alarm goes out, while the doctor can still answer. */
  preAlarmSeconds: z.number().int().min(10).max(600).default(60),
  /** Position repeat of a raised alarm until dispatch acknowledges it. */
  panicRepeatSeconds: z.number().int().min(2).max(300).default(10),
  /** Without it, cancelling needs no PIN (logged as a warning); see src/services/alarm-service.ts. */
  cancelPinHash: z
    .string()
    .regex(pinHashPattern, { error: "expected the output of `sosm pin hash` (scrypt$N$r$p$salt$key)" })
    .optional(),
});
export type AlarmsConfig = z.infer<typeof alarmsConfigSchema>;

const mqttSchema = z
  .strictObject({
    url: mqttUrlSchema,
    username: nonEmpty.optional(),
    password: nonEmpty.optional(),
    /** PEM files (paths, resolved against the config file's folder) for the per-vehicle identity. */
    tls: z
      .strictObject({
        ca: nonEmpty.optional(),
        cert: nonEmpty.optional(),
        key: nonEmpty.optional(),
      })
      .optional(),
    keepaliveSeconds: z.number().int().min(5).max(600).default(30),
    /**
     * MQTT 5 by default (session expiry). 4 (3.1.1) for brokers without MQTT 5, such as the
     * embedded aedes broker of `npm start`: the persistent session then rests on clean=false alone.
     */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
    /**
     * Cap of the reconnect delay (it starts at 1 s and doubles). 30 s keeps a broker that comes back
     * from an outage from waiting long for the fleet, without hammering it while it is down.
     */
    reconnectMaxSeconds: z.number().int().min(1).max(600).default(30),
  })
  .superRefine((mqtt, ctx) => {
    const tls = mqtt.tls;
    if (!tls) return;
    if (tls.cert !== undefined && tls.key === undefined)
      ctx.addIssue({ code: "custom", path: ["tls", "key"], message: "required when mqtt.tls.cert is given" });
    if (tls.key !== undefined && tls.cert === undefined)
      ctx.addIssue({ code: "custom", path: ["tls", "cert"], message: "required when mqtt.tls.key is given" });
    // TLS settings on a plain URL would be silently unused: the car would talk in clear text.
    if (/^(mqtt|ws):/.test(mqtt.url))
      ctx.addIssue({
        code: "custom",
        path: ["tls"],
        message: "given, but mqtt.url is not encrypted (use mqtts:// or wss://)",
      });
  });

export const configSchema = z.strictObject({
  /** Lets editors find a JSON Schema; ignored by the core. */
  $schema: z.string().optional(),
  fleet: fleetIdSchema,
  vehicle: vehicleIdSchema,
  /**
   * The vehicle profile: an id (`bdx-07` → hardware/profiles/bdx-07.json) or a path to a JSON file.
   * After `loadConfig` it is always the absolute path of the file.
   */
  profile: nonEmpty,
  /** Folder of the SQLite files. Relative paths resolve against the config file's folder. */
  dataDir: nonEmpty.default("data"),
  logLevel: z.enum(logLevels).default("info"),
  gnss: serialOverrideSchema.prefault({}),
  equipment: serialOverrideSchema.prefault({}),
  mqtt: mqttSchema,
  http: z
    .strictObject({
      /** Fixed: the API must never listen beyond loopback (DESIGN.md §4). */
      host: z
        .literal("127.0.0.1", { error: "must be 127.0.0.1 (the API is loopback only)" })
        .default("127.0.0.1"),
      /**
       * A fixed default, because the kiosk (a separate systemd service in the car) must know where to
       * connect. 0 asks the OS for a free port: for tests and for a launcher that reads it back.
       */
      port: z.number().int().min(0).max(65535).default(7380),
    })
    .prefault({}),
  positions: z
    .strictObject({
      /** Sent points older than this (by GNSS time) are pruned; unsent points are never pruned. */
      retentionDays: z.number().int().min(1).max(3650).default(30),
    })
    .prefault({}),
  /** Missions and radio status (issue 4). */
  missions: z
    .strictObject({
      /**
       * Hours after a mission ended (report acknowledged by dispatch, or declined, or cancelled)
       * before its patient identifiers are deleted from the car (DESIGN.md §4).
       */
      purgeAfterHours: z.number().min(0).max(8760).default(24),
      /** An equipment fault only warns before `available` ("warn"), or refuses it ("block"). */
      readinessPolicy: z.enum(["warn", "block"]).default("warn"),
    })
    .prefault({}),
  /** Doctors' shifts (issue 10): sign-in, screen lock, the shift-start checklist's gate. */
  shifts: z
    .strictObject({
      /** Inactivity, while the car is stopped, after which the kiosk locks the screen. */
      lockAfterSeconds: z.number().int().min(15).max(3600).default(120),
      /** A technician's shift-start checklist this recent spares the doctor from doing it. */
      checklistValidHours: z.number().min(0).max(72).default(12),
      /** Whether a doctor outside the roster may sign in; dispatch's `roster` may change it. */
      allowUnknownDoctors: z.boolean().default(false),
      /** A pending or failed shift-start checklist only warns before `available`, or refuses it. */
      policy: z.enum(["warn", "block"]).default("warn"),
    })
    .prefault({}),
  /** Panic and lone-worker alarms (issue 4); absent means `alarmsConfigSchema`'s defaults. */
  alarms: alarmsConfigSchema.optional(),
  /** The doctor's screen (issue 6). */
  ui: z
    .strictObject({
      /**
       * Map tiles, e.g. `{ "url": "https://tile.example/{z}/{x}/{y}.png", "attribution": "© OSM" }`.
       * None by default: the car may have no network, and the map then plots positions without tiles.
       */
      tiles: z
        .strictObject({
          url: z.string().regex(/^https?:\/\/[^/\s]+\/\S*\{z\}\S*$/, {
            error: "expected an http(s) URL with {z}, {x}, {y}",
          }),
          attribution: z.string().max(300),
        })
        .optional(),
      /** "auto": night from sunset to sunrise at the car's position. */
      theme: z.enum(["auto", "day", "night"]).default("auto"),
      lang: z.enum(["fr", "en"]).default("fr"),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
/** What a config file may contain (defaults not yet applied). */
export type ConfigInput = z.input<typeof configSchema>;

/** How an environment variable's text becomes a config value. */
export type EnvValueKind = "string" | "integer";

export interface EnvBinding {
  path: readonly string[];
  kind: EnvValueKind;
}

/**
 * Environment overrides, applied over the file before validation. Empty values count as unset.
 * SOSM_PROFILE, SOSM_EQUIPMENT_BAUD and SOSM_LOG_LEVEL complete the set for systemd and dev use.
 */
export const configFieldEnv = {
  SOSM_FLEET: { path: ["fleet"], kind: "string" },
  SOSM_VEHICLE: { path: ["vehicle"], kind: "string" },
  SOSM_PROFILE: { path: ["profile"], kind: "string" },
  SOSM_DATA_DIR: { path: ["dataDir"], kind: "string" },
  SOSM_GNSS_PORT: { path: ["gnss", "port"], kind: "string" },
  SOSM_GNSS_BAUD: { path: ["gnss", "baudRate"], kind: "integer" },
  SOSM_EQUIPMENT_PORT: { path: ["equipment", "port"], kind: "string" },
  SOSM_EQUIPMENT_BAUD: { path: ["equipment", "baudRate"], kind: "integer" },
  SOSM_MQTT_URL: { path: ["mqtt", "url"], kind: "string" },
  SOSM_HTTP_PORT: { path: ["http", "port"], kind: "integer" },
  SOSM_LOG_LEVEL: { path: ["logLevel"], kind: "string" },
} as const satisfies Record<string, EnvBinding>;

export type ConfigEnvVar = keyof typeof configFieldEnv;

/** Fields holding file or folder paths, resolved to absolute paths by the loader. */
export const configFilePathFields: readonly (readonly string[])[] = [
  ["dataDir"],
  ["mqtt", "tls", "ca"],
  ["mqtt", "tls", "cert"],
  ["mqtt", "tls", "key"],
];

/** A profile given as a bare id (not a path) is looked up in the profiles folder. */
export const profileIdPattern = /^[a-z0-9-]{1,32}$/;
