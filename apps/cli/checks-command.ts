/**
 * `sosm checks enrol|list|sign|export --config F ...`: technician checks from a terminal (issue 5).
 *
 * It opens the core's own database (data/core.sqlite): WAL lets it write while the core runs, and
 * the core's outbox publisher sends the `check` events it queued at its next poll. The PIN is read
 * from stdin, never from an argument: argv ends up in the shell history and in `ps`.
 * Exit codes: 0 done, 1 refused (wrong PIN, locked, incomplete run), 2 bad usage or configuration.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { formatIssues } from "../../src/app/config-loader.ts";
import type { CheckSchedule } from "../../src/domain/equipment/technician-checks.ts";
import { checkHistoryCsv } from "../../src/services/check-csv.ts";
import type { Clock } from "../../src/services/ports.ts";
import {
  CheckError,
  checkResultInputSchema,
  TechnicianChecks,
} from "../../src/services/technician-checks.ts";
import { scheduleNames } from "../../src/services/technician-run.ts";
import { SqliteCheckRepository } from "../../src/store/check-repository.ts";
import { SqliteOutbox } from "../../src/store/outbox-repository.ts";
import { ScryptPinHasher } from "../../src/store/scrypt-pin-hasher.ts";
import {
  type CommandIo,
  exportSettings,
  openCore,
  readPin,
  sayer,
  UsageError,
  withExitCodes,
} from "./core-database-command.ts";

export interface ChecksCommandOptions extends CommandIo {
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
  env: NodeJS.ProcessEnv;
  clock?: Clock;
}

/** The results file: `[{ checkId, result, notes? }]`, or `{ "results": [...] }`. */
const resultsFileSchema = z.union([
  z.array(checkResultInputSchema),
  z.strictObject({ results: z.array(checkResultInputSchema) }),
]);

const schedules = Object.keys(scheduleNames) as CheckSchedule[];

export function runChecks(options: ChecksCommandOptions): Promise<number> {
  return withExitCodes(options, CheckError, () => run(options));
}

async function run(options: ChecksCommandOptions): Promise<number> {
  const { action, lang, stdout } = options;
  if (action === undefined || !["enrol", "list", "sign", "export"].includes(action))
    throw new UsageError(`checks needs enrol, list, sign or export, got ${action ?? "nothing"}`);
  const { config, profile, clock, logger, db } = openCore(options, "checks", action);
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
    const say = sayer(options);

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
      const { out, delimiter, range } = exportSettings(options, "checks");
      const runs = checks.history(range);
      writeFileSync(out, checkHistoryCsv(runs, { delimiter, lang }));
      const rows = runs.reduce((sum, r) => sum + r.results.length, 0);
      say(
        `${runs.length} contrôle(s), ${rows} ligne(s) exportée(s) vers ${out}`,
        `${runs.length} run(s), ${rows} row(s) exported to ${out}`,
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
