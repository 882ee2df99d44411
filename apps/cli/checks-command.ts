/**
 * `sosm checks enrol|list|sign|export --config F ...`: technician checks from a terminal (issue 5).
 *
 * It opens the core's own database (data/core.sqlite): WAL lets it write while the core runs, and
 * the core's outbox publisher sends the `check` events it queued at its next poll. The PIN is read
 * from stdin, never from an argument: argv ends up in the shell history and in `ps`.
 * Exit codes: 0 done, 1 refused (wrong PIN, locked, incomplete run), 2 bad usage or configuration.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { z } from "zod";
import { ConfigError, formatIssues, loadConfig } from "../../src/app/config-loader.ts";
import { coreMigrations } from "../../src/app/core-migrations.ts";
import { createLogger } from "../../src/app/logger.ts";
import { loadVehicleProfile, ProfileError } from "../../src/app/profile-loader.ts";
import type { CheckSchedule } from "../../src/domain/equipment/technician-checks.ts";
import { checkHistoryCsv } from "../../src/services/check-csv.ts";
import { type Clock, systemClock } from "../../src/services/ports.ts";
import {
  CheckError,
  checkResultInputSchema,
  TechnicianChecks,
} from "../../src/services/technician-checks.ts";
import { scheduleNames } from "../../src/services/technician-run.ts";
import { SqliteCheckRepository } from "../../src/store/check-repository.ts";
import { openDatabase } from "../../src/store/database.ts";
import { SqliteOutbox } from "../../src/store/outbox-repository.ts";
import { ScryptPinHasher } from "../../src/store/scrypt-pin-hasher.ts";
import { readSecretLine } from "./secret-input.ts";

export interface ChecksCommandOptions {
  action: string | undefined;
  configPath?: string;
  technician?: string;
  name?: string;
  schedule?: string;
  results?: string;
  from?: string;
  to?: string;
  out?: string;
  delimiter?: string;
  lang: "fr" | "en";
  stdin: Readable;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  clock?: Clock;
}

class UsageError extends Error {}

/** The results file: `[{ checkId, result, notes? }]`, or `{ "results": [...] }`. */
const resultsFileSchema = z.union([
  z.array(checkResultInputSchema),
  z.strictObject({ results: z.array(checkResultInputSchema) }),
]);

const schedules = Object.keys(scheduleNames) as CheckSchedule[];

export async function runChecks(options: ChecksCommandOptions): Promise<number> {
  const { stderr, lang } = options;
  try {
    return await run(options);
  } catch (error) {
    if (error instanceof CheckError) {
      stderr.write(`sosm: ${error.text[lang]}\n`);
      return 1;
    }
    if (error instanceof ConfigError || error instanceof ProfileError || error instanceof UsageError) {
      stderr.write(`sosm: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function run(options: ChecksCommandOptions): Promise<number> {
  const { action, lang, stdout } = options;
  if (!["enrol", "list", "sign", "export"].includes(action ?? ""))
    throw new UsageError(`checks needs enrol, list, sign or export, got ${action ?? "nothing"}`);
  if (!options.configPath) throw new UsageError(`checks ${action} needs --config FILE`);
  const config = loadConfig({ argvConfigPath: options.configPath, env: options.env });
  const profile = loadVehicleProfile(config.profile);
  const clock = options.clock ?? systemClock;
  const logger = createLogger({ name: "checks", level: "error" });
  const { db } = openDatabase({
    path: join(config.dataDir, "core.sqlite"),
    synchronous: "FULL",
    logger,
    migrations: [...coreMigrations],
  });
  try {
    const outbox = new SqliteOutbox({ db, vehicle: config.vehicle, now: () => clock.now() });
    const checks = new TechnicianChecks({
      checklists: profile.checks,
      vehicle: config.vehicle,
      store: new SqliteCheckRepository(db),
      outbox,
      unitOfWork: outbox,
      pins: new ScryptPinHasher(),
      clock,
      logger,
    });
    const say = (fr: string, en: string) => stdout.write(`${lang === "fr" ? fr : en}\n`);

    if (action === "list") {
      const latest = checks.latestByCheck();
      for (const schedule of schedules) {
        const items = profile.checks[schedule].items;
        const title = scheduleNames[schedule][lang];
        stdout.write(`${title.charAt(0).toUpperCase()}${title.slice(1)} (${schedule})\n`);
        for (const item of items) {
          const last = latest[item.id];
          const when = last ? `${new Date(last.at).toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
          const lastText = last
            ? lang === "fr"
              ? `dernier : ${last.result === "pass" ? "conforme" : "NON CONFORME"} le ${when}`
              : `last: ${last.result} on ${when}`
            : lang === "fr"
              ? "jamais fait"
              : "never done";
          stdout.write(
            `  ${item.id.padEnd(22)} ${item.label[lang].padEnd(48)} ${(item.equipmentId ?? "").padEnd(14)} ${lastText}\n`,
          );
        }
      }
      return 0;
    }

    if (action === "export") {
      if (!options.out) throw new UsageError("checks export needs --out FILE.csv");
      const delimiter = options.delimiter ?? ",";
      if (delimiter !== "," && delimiter !== ";") throw new UsageError("--delimiter must be , or ;");
      const range = {
        ...(options.from ? { from: parseDate(options.from, "--from", false) } : {}),
        ...(options.to ? { to: parseDate(options.to, "--to", true) } : {}),
      };
      const runs = checks.history(range);
      writeFileSync(options.out, checkHistoryCsv(runs, { delimiter, lang }));
      const rows = runs.reduce((sum, r) => sum + r.results.length, 0);
      say(
        `${runs.length} contrôle(s), ${rows} ligne(s) exportée(s) vers ${options.out}`,
        `${runs.length} run(s), ${rows} row(s) exported to ${options.out}`,
      );
      return 0;
    }

    if (!options.technician) throw new UsageError(`checks ${action} needs --technician ID`);
    if (action === "enrol") {
      if (!options.name) throw new UsageError('checks enrol needs --name "First Last"');
      const pin = await readPin(options, true);
      const technician = await checks.enrol({
        technicianId: options.technician,
        displayName: options.name,
        pin,
      });
      say(
        `Technicien ${technician.displayName} (${technician.id}) inscrit`,
        `Technician ${technician.displayName} (${technician.id}) enrolled`,
      );
      return 0;
    }

    const schedule = options.schedule as CheckSchedule | undefined;
    if (schedule === undefined || !schedules.includes(schedule))
      throw new UsageError(`checks sign needs --schedule ${schedules.join("|")}`);
    if (!options.results) throw new UsageError("checks sign needs --results FILE.json");
    const results = readResults(options.results);
    const pin = await readPin(options, false);
    const run = await checks.sign({ technicianId: options.technician, pin, schedule, results });
    const failed = run.results.filter((r) => r.result === "fail").length;
    say(
      `Contrôle « ${scheduleNames[schedule].fr} » signé par ${run.technicianName} : ${run.results.length} point(s), ` +
        `${failed} non conforme(s) ; ${run.results.length} message(s) check en attente d'envoi`,
      `"${scheduleNames[schedule].en}" check signed by ${run.technicianName}: ${run.results.length} item(s), ` +
        `${failed} failed; ${run.results.length} check message(s) queued for dispatch`,
    );
    return 0;
  } finally {
    db.close();
  }
}

async function readPin(options: ChecksCommandOptions, confirm: boolean): Promise<string> {
  const io = { stdin: options.stdin, stderr: options.stderr };
  const pin = await readSecretLine(io, "PIN (4 à 8 chiffres / 4 to 8 digits) : ");
  if (confirm && "isTTY" in options.stdin && options.stdin.isTTY) {
    const again = await readSecretLine(io, "PIN, à nouveau / again : ");
    if (again !== pin) throw new UsageError("les deux PIN diffèrent / the two PINs differ");
  }
  return pin;
}

function readResults(path: string): z.infer<typeof checkResultInputSchema>[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  const parsed = resultsFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success)
    throw new UsageError(
      `${path}:\n${formatIssues(parsed.error.issues)
        .map((l) => `  - ${l}`)
        .join("\n")}`,
    );
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.results;
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
