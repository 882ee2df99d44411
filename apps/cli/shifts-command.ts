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
import { formatRpps } from "../../src/domain/shifts/rpps.ts";
import type { Clock } from "../../src/services/ports.ts";
import { shiftHistoryCsv } from "../../src/services/shift-csv.ts";
import { DoctorDirectory } from "../../src/services/shift-doctors.ts";
import { ShiftError } from "../../src/services/shift-errors.ts";
import { SqliteOutbox } from "../../src/store/outbox-repository.ts";
import { ScryptPinHasher } from "../../src/store/scrypt-pin-hasher.ts";
import { SqliteDoctorStore } from "../../src/store/shift-doctor-repository.ts";
import { SqliteShiftStore } from "../../src/store/shift-repository.ts";
import {
  type CommandIo,
  exportSettings,
  openCore,
  readPin,
  sayer,
  UsageError,
  withExitCodes,
} from "./core-database-command.ts";

export interface ShiftsCommandOptions extends CommandIo {
  action: string | undefined;
  configPath?: string | undefined;
  rpps?: string | undefined;
  out?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  delimiter?: string | undefined;
  env: NodeJS.ProcessEnv;
  clock?: Clock;
}

export function runShifts(options: ShiftsCommandOptions): Promise<number> {
  return withExitCodes(options, ShiftError, () => run(options));
}

async function run(options: ShiftsCommandOptions): Promise<number> {
  const { action, lang } = options;
  if (action !== "enrol" && action !== "export")
    throw new UsageError(`shifts needs enrol or export, got ${action ?? "nothing"}`);
  const { config, profile, clock, logger, db } = openCore(options, "shifts", action);
  const say = sayer(options);
  try {
    if (action === "export") {
      const { out, delimiter, range } = exportSettings(options, "shifts");
      const shifts = new SqliteShiftStore(db).history(range).map((shift) => ({
        startedAt: shift.startedAt,
        endedAt: shift.endedAt,
        doctor: { rpps: shift.rpps, name: shift.doctorName },
        summary: shift.summary,
      }));
      writeFileSync(out, shiftHistoryCsv(shifts, { delimiter, lang }));
      say(
        `${shifts.length} garde(s) exportée(s) vers ${out}`,
        `${shifts.length} shift(s) exported to ${out}`,
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
    const pin = await readPin(options, true);
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
