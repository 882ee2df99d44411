/**
 * The rig of bench/link.ts: a real terminal core in this process against a real broker, and the
 * fixes it is fed. The broker and the pty pair are the test suite's own (test/support), so that the
 * benchmark runs on exactly what the integration tests trust.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bordeauxLoop } from "../../apps/sim/drive/bordeaux-route.ts";
import { type DriveSample, drive } from "../../apps/sim/drive/drive-generator.ts";
import { encodeEpoch } from "../../apps/sim/drive/nmea-encoder.ts";
import { Core } from "../../src/app/core.ts";
import { createLogger } from "../../src/app/logger.ts";
import { loadVehicleProfile } from "../../src/app/profile-loader.ts";
import { configSchema } from "../../src/contracts/config.ts";
import type { Fix } from "../../src/domain/gnss/fix.ts";
import { FileLineSource } from "../../src/io/file-line-source.ts";
import { GnssPipeline } from "../../src/io/gnss/gnss-pipeline.ts";
import { systemClock } from "../../src/services/ports.ts";

export const fleet = "bordeaux";
export const vehicle = "BDX-07";
const root = join(import.meta.dirname, "../..");

/** Errors only, on stderr: the benchmark's figures go to stdout. */
export const benchLogger = createLogger({ name: "bench-link", level: "error" });

export interface BenchCoreOptions {
  dir: string;
  brokerUrl: string;
  /** The GNSS receiver's device (a pty); without it, a receiver that says nothing. */
  gnssPort?: string;
}

/** A core as the car runs it (config schema, vehicle profile, SQLite with synchronous=FULL). */
export function buildCore(options: BenchCoreOptions): Core {
  const config = configSchema.parse({
    fleet,
    vehicle,
    profile: "bdx-07",
    dataDir: join(options.dir, "data"),
    ...(options.gnssPort ? { gnss: { port: options.gnssPort } } : {}),
    equipment: { port: join(options.dir, "no-controller") },
    http: { port: 0 },
    mqtt: { url: options.brokerUrl, keepaliveSeconds: 30, reconnectMaxSeconds: 1 },
  });
  let gnssSource: FileLineSource | undefined;
  if (!options.gnssPort) {
    const quiet = join(options.dir, "no-fix.nmea");
    writeFileSync(quiet, "# a receiver that says nothing\r\n");
    gnssSource = new FileLineSource({ path: quiet, logger: benchLogger });
  }
  return new Core({
    config,
    profile: loadVehicleProfile(join(root, "hardware/profiles/bdx-07.json")),
    logger: benchLogger,
    clock: systemClock,
    ...(gnssSource ? { gnssSource } : {}),
  });
}

const metresPerDegreeLat = 111_320;

/**
 * A car driving east from Bordeaux at 36 km/h, one fix every `stepS` seconds of GNSS time, as the
 * RMC + GGA pair of a 1 Hz receiver. With 30 s and 300 m between fixes, each one passes the default
 * patrol policy (interval 30 s, distance 200 m) and the quality gate (250 km/h): every fix written
 * is a `position` sent, without touching the policy.
 */
export function* straightDrive(startMs: number, stepS = 30): Generator<{ timeMs: number; text: string }> {
  const speed = 10;
  let lon = -0.5792;
  const lat = 44.8378;
  for (let i = 0; ; i++) {
    const sample: DriveSample = {
      time: startMs + i * stepS * 1000,
      lat,
      lon,
      alt: 20,
      speed,
      heading: 90,
      hasFix: true,
    };
    const [rmc, gga] = encodeEpoch(sample, "gps");
    yield { timeMs: sample.time, text: `${rmc}\r\n${gga}\r\n` };
    lon += (speed * stepS) / (metresPerDegreeLat * Math.cos((lat * Math.PI) / 180));
  }
}

/**
 * `count` fixes of the simulated Bordeaux night drive at 1 Hz, through the real GNSS decoder, so
 * that each carries what a real one does (alt, speed, heading, sats, hdop): the points of a track.
 */
export function recordedFixes(count: number, startMs: number): Fix[] {
  const pipeline = new GnssPipeline({ referenceDate: "2026-11-01" });
  const fixes: Fix[] = [];
  const samples = drive({
    route: bordeauxLoop,
    start: startMs,
    rateHz: 1,
    durationS: count,
    seed: 7,
    outages: [],
  });
  for (const sample of samples) {
    for (const line of encodeEpoch(sample, "gps")) fixes.push(...pipeline.push(line, sample.time));
  }
  fixes.push(...pipeline.flush());
  if (fixes.length !== count) throw new Error(`expected ${count} fixes from the drive, got ${fixes.length}`);
  return fixes;
}

/** Nearest-rank percentile of ascending values (p in 0..1). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** A promise settled from outside (a message handler), rejected after `timeoutMs`. */
export function deferred<T>(timeoutMs: number, what: string) {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = setTimeout(
    () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
    timeoutMs,
  );
  void promise.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return { promise, resolve, reject };
}
