/**
 * What the `sosm` commands that work on the core's own database (`checks`, `shifts`) share: opening
 * it beside a running core, their exit codes, the PIN prompt, and the options of a CSV export.
 *
 * Exit codes: 0 done, 1 refused (the service's own refusal: wrong PIN, locked, unknown doctor...),
 * 2 bad usage or configuration.
 */
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Database } from "better-sqlite3";
import { ConfigError, loadConfig } from "../../src/app/config-loader.ts";
import { coreMigrations } from "../../src/app/core-migrations.ts";
import { createLogger } from "../../src/app/logger.ts";
import { loadVehicleProfile, ProfileError } from "../../src/app/profile-loader.ts";
import type { Config } from "../../src/contracts/config.ts";
import type { VehicleProfile } from "../../src/contracts/vehicle-profile.ts";
import { type Clock, type Logger, systemClock } from "../../src/services/ports.ts";
import type { RefusalError } from "../../src/services/refusal-error.ts";
import { openDatabase } from "../../src/store/database.ts";
import { readSecretLine } from "./secret-input.ts";

export class UsageError extends Error {}

export interface CommandIo {
  lang: "fr" | "en";
  stdin: Readable;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Runs a command and turns its failures into exit codes; anything unexpected is thrown on. */
export async function withExitCodes(
  io: Pick<CommandIo, "lang" | "stderr">,
  refusal: abstract new (...args: never[]) => RefusalError<string>,
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof refusal) {
      io.stderr.write(`sosm: ${error.text[io.lang]}\n`);
      return 1;
    }
    if (error instanceof ConfigError || error instanceof ProfileError || error instanceof UsageError) {
      io.stderr.write(`sosm: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

export interface OpenedCore {
  config: Config;
  profile: VehicleProfile;
  clock: Clock;
  logger: Logger;
  /** The caller closes it. */
  db: Database;
}

/**
 * The core's config, vehicle profile and database (data/core.sqlite). WAL lets a command write while
 * the core runs; the core's outbox publisher sends what the command queued at its next poll.
 */
export function openCore(
  options: { configPath?: string | undefined; env: NodeJS.ProcessEnv; clock?: Clock | undefined },
  command: string,
  action: string,
): OpenedCore {
  if (!options.configPath) throw new UsageError(`${command} ${action} needs --config FILE`);
  const config = loadConfig({ argvConfigPath: options.configPath, env: options.env });
  const profile = loadVehicleProfile(config.profile);
  const clock = options.clock ?? systemClock;
  const logger = createLogger({ name: command, level: "error" });
  const { db } = openDatabase({
    path: join(config.dataDir, "core.sqlite"),
    synchronous: "FULL",
    logger,
    migrations: [...coreMigrations],
  });
  return { config, profile, clock, logger, db };
}

/** One line of the command's report, in the user's language. */
export function sayer(io: Pick<CommandIo, "lang" | "stdout">): (fr: string, en: string) => void {
  return (fr, en) => io.stdout.write(`${io.lang === "fr" ? fr : en}\n`);
}

/**
 * The PIN, read on stdin and never from an argument: argv ends up in the shell history and in `ps`.
 * `confirm` (enrolling) asks for it twice, on a terminal only: a typo there would lock the holder out.
 */
export async function readPin(io: Pick<CommandIo, "stdin" | "stderr">, confirm: boolean): Promise<string> {
  const input = { stdin: io.stdin, stderr: io.stderr };
  const pin = await readSecretLine(input, "PIN (4 à 8 chiffres / 4 to 8 digits) : ");
  if (confirm && "isTTY" in io.stdin && io.stdin.isTTY) {
    const again = await readSecretLine(input, "PIN, à nouveau / again : ");
    if (again !== pin) throw new UsageError("les deux PIN diffèrent / the two PINs differ");
  }
  return pin;
}

export interface ExportOptions {
  out?: string | undefined;
  delimiter?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** `--out`, `--delimiter` and the `--from`/`--to` range of `<command> export`. */
export function exportSettings(
  options: ExportOptions,
  command: string,
): { out: string; delimiter: "," | ";"; range: { from?: number; to?: number } } {
  if (!options.out) throw new UsageError(`${command} export needs --out FILE.csv`);
  const delimiter = options.delimiter ?? ",";
  if (delimiter !== "," && delimiter !== ";") throw new UsageError("--delimiter must be , or ;");
  const range = {
    ...(options.from ? { from: parseDate(options.from, "--from", false) } : {}),
    ...(options.to ? { to: parseDate(options.to, "--to", true) } : {}),
  };
  return { out: options.out, delimiter, range };
}

/**
 * `YYYY-MM-DD` is a whole day of the car's local time (`--to` includes it); anything else must be
 * an ISO 8601 time with its offset.
 */
export function parseDate(text: string, flag: string, endOfDay: boolean): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]) - 1, Number(day[3])];
    const start = new Date(year, month, date + (endOfDay ? 1 : 0));
    if (new Date(year, month, date).getDate() === date) return start.getTime();
  } else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(text) && Number.isFinite(Date.parse(text)))
    return Date.parse(text);
  throw new UsageError(`${flag} expects YYYY-MM-DD or an ISO 8601 time with offset, got ${text}`);
}
