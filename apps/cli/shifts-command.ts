/**
 * `sosm shifts enrol|export --config F ...`: doctors' shifts from a terminal (issue 10).
 *
 *   enrol --rpps N     sets the PIN of a doctor of the roster; the PIN (4-8 digits) is read on stdin,
 *                      never from an argument (argv ends up in the shell history and in `ps`)
 *   export --out F.csv the shift history with its summaries, as CSV
 *
 * It opens the core's own database (WAL lets it write beside a running core). The roster comes from
 * the vehicle profile until dispatch sends one; it is applied here too, so a PIN can be enrolled
 * before the core's first start.
 * Exit codes: 0 done, 1 refused (unknown doctor, bad PIN), 2 bad usage or configuration.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { ConfigError, loadConfig } from "../../src/app/config-loader.ts";
import { coreMigrations } from "../../src/app/core-migrations.ts";
import { createLogger } from "../../src/app/logger.ts";
import { loadVehicleProfile, ProfileError } from "../../src/app/profile-loader.ts";
import { formatRpps } from "../../src/domain/shifts/rpps.ts";
import { type Clock, systemClock } from "../../src/services/ports.ts";
import { shiftHistoryCsv } from "../../src/services/shift-csv.ts";
import { DoctorDirectory } from "../../src/services/shift-doctors.ts";
import { ShiftError } from "../../src/services/shift-errors.ts";
import { openDatabase } from "../../src/store/database.ts";
import { SqliteOutbox } from "../../src/store/outbox-repository.ts";
import { ScryptPinHasher } from "../../src/store/scrypt-pin-hasher.ts";
import { SqliteDoctorStore } from "../../src/store/shift-doctor-repository.ts";
import { SqliteShiftStore } from "../../src/store/shift-repository.ts";
import { parseDate } from "./checks-command.ts";
import { readSecretLine } from "./secret-input.ts";

export interface ShiftsCommandOptions {
  action: string | undefined;
  configPath?: string | undefined;
  rpps?: string | undefined;
  out?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  delimiter?: string | undefined;
  lang: "fr" | "en";
  stdin: Readable;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  clock?: Clock;
}

class UsageError extends Error {}

export async function runShifts(options: ShiftsCommandOptions): Promise<number> {
  try {
    return await run(options);
  } catch (error) {
    if (error instanceof ShiftError) {
      options.stderr.write(`sosm: ${error.text[options.lang]}\n`);
      return 1;
    }
    if (error instanceof ConfigError || error instanceof ProfileError || error instanceof UsageError) {
      options.stderr.write(`sosm: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function run(options: ShiftsCommandOptions): Promise<number> {
  const { action, lang, stdout } = options;
  if (action !== "enrol" && action !== "export")
    throw new UsageError(`shifts needs enrol or export, got ${action ?? "nothing"}`);
  if (!options.configPath) throw new UsageError(`shifts ${action} needs --config FILE`);
  const config = loadConfig({ argvConfigPath: options.configPath, env: options.env });
  const profile = loadVehicleProfile(config.profile);
  const clock = options.clock ?? systemClock;
  const logger = createLogger({ name: "shifts", level: "error" });
  const { db } = openDatabase({
    path: join(config.dataDir, "core.sqlite"),
    synchronous: "FULL",
    logger,
    migrations: [...coreMigrations],
  });
  const say = (fr: string, en: string) => stdout.write(`${lang === "fr" ? fr : en}\n`);
  try {
    if (action === "export") {
      if (!options.out) throw new UsageError("shifts export needs --out FILE.csv");
      const delimiter = options.delimiter ?? ",";
      if (delimiter !== "," && delimiter !== ";") throw new UsageError("--delimiter must be , or ;");
      const range = {
        ...(options.from ? { from: parseDate(options.from, "--from", false) } : {}),
        ...(options.to ? { to: parseDate(options.to, "--to", true) } : {}),
      };
      const shifts = new SqliteShiftStore(db).history(range).map((shift) => ({
        startedAt: shift.startedAt,
        endedAt: shift.endedAt,
        doctor: { rpps: shift.rpps, name: shift.doctorName },
        summary: shift.summary,
      }));
      writeFileSync(options.out, shiftHistoryCsv(shifts, { delimiter, lang }));
      say(
        `${shifts.length} garde(s) exportée(s) vers ${options.out}`,
        `${shifts.length} shift(s) exported to ${options.out}`,
      );
      return 0;
    }

    if (!options.rpps) throw new UsageError("shifts enrol needs --rpps NUMBER");
    const outbox = new SqliteOutbox({ db, vehicle: config.vehicle, now: () => clock.now() });
    const doctors = new DoctorDirectory({
      store: new SqliteDoctorStore(db),
      unitOfWork: outbox,
      pins: new ScryptPinHasher(),
      clock,
      logger,
      allowUnknownByDefault: config.shifts.allowUnknownDoctors,
    });
    doctors.seedFromProfile(profile.roster);
    const rpps = options.rpps.replace(/\s/g, "");
    const io = { stdin: options.stdin, stderr: options.stderr };
    const pin = await readSecretLine(io, "PIN (4 à 8 chiffres / 4 to 8 digits) : ");
    if ("isTTY" in options.stdin && options.stdin.isTTY) {
      const again = await readSecretLine(io, "PIN, à nouveau / again : ");
      if (again !== pin) throw new UsageError("les deux PIN diffèrent / the two PINs differ");
    }
    const doctor = await doctors.enrolPin(rpps, pin);
    say(
      `PIN enregistré pour ${doctor.name} (RPPS ${formatRpps(doctor.rpps)})`,
      `PIN enrolled for ${doctor.name} (RPPS ${formatRpps(doctor.rpps)})`,
    );
    return 0;
  } finally {
    db.close();
  }
}
