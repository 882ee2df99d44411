/**
 * Technician checks (issue 5): technicians enrol with a PIN, then sign a checklist of the vehicle
 * profile (shift start, weekly, monthly) with a pass or fail, and notes, per item.
 *
 * - PIN: 4 to 8 digits, kept only as a slow salted hash (the `PinHasher` port, scrypt in src/store).
 *   10^4 to 10^8 PINs are few, so the hash only slows down someone who copied the database; what
 *   protects the PIN at the terminal is the lockout of src/domain/lockout.ts, the doctors' rule:
 *   after `maxAttempts` consecutive wrong PINs (default 5) the technician is locked for `lockMs`
 *   (default 15 min), and a good PIN resets the count.
 * - An attempt is counted BEFORE the (asynchronous) hash comparison and only forgiven by a good PIN,
 *   so that parallel attempts, or a second process (the CLI) cannot get more than `maxAttempts`
 *   guesses past the lockout, and a power cut during the comparison counts as a failure.
 * - A run must answer every item of its checklist, once; a fail needs a note. It is stored with one
 *   `check` event per item in ONE transaction (DESIGN.md §3, transactional outbox): after a power cut
 *   there is either the whole signed run with all its messages, or nothing.
 */
import { textLimits } from "../contracts/fields.ts";
import { newMessageId } from "../contracts/message-id.ts";
import type { CheckResultInput } from "../contracts/ui-fields.ts";
import type { Checklists, CheckRecord, CheckSchedule } from "../domain/equipment/technician-checks.ts";
import { afterWrongPin, defaultLockoutRules, type LockoutRules, reserveAttempt } from "../domain/lockout.ts";
import { checkErrors } from "./check-errors.ts";
import type {
  CheckResultRecord,
  CheckRunRecord,
  CheckStore,
  HistoryRange,
  PinHasher,
  Technician,
} from "./check-ports.ts";
import type { Outbox, UnitOfWork } from "./outbox.ts";
import type { Clock, Logger } from "./ports.ts";
import { type PlannedResult, planRun } from "./technician-run.ts";

export { CheckError, type CheckErrorCode } from "./check-errors.ts";
export type {
  CheckResultRecord,
  CheckRunRecord,
  CheckStore,
  HistoryRange,
  PinHasher,
  ScryptParams,
  StoredPin,
  Technician,
} from "./check-ports.ts";

/** What the equipment monitor reads to turn an overdue or failed check into a warning or fault. */
export interface CheckHistory {
  /** The newest result of each check id (the profile's checklist item id). */
  latestByCheck(): Record<string, CheckRecord>;
}

/** One answer of a run, as the kiosk or the CLI's results file gives it (one schema for both). */
export { type CheckResultInput, checkResultInputSchema } from "../contracts/ui-fields.ts";

export interface SignRequest {
  technicianId: string;
  pin: string;
  schedule: CheckSchedule;
  results: readonly CheckResultInput[];
}

export interface TechnicianChecksContext {
  checklists: Checklists;
  /** The vehicle id, stored with each run. */
  vehicle: string;
  store: CheckStore;
  outbox: Outbox;
  /** The transaction of the database that holds both `store` and `outbox`. */
  unitOfWork: UnitOfWork;
  pins: PinHasher;
  clock: Clock;
  logger: Logger;
  /** Consecutive wrong PINs that lock a technician (default 5). */
  maxAttempts?: number;
  /** How long a lockout lasts (default 15 min). */
  lockMs?: number;
  /** Time zone of "verrouillé jusqu'à HH:MM" (default: the system's). */
  timeZone?: string;
  /** Called after a run committed, e.g. the outbox publisher's `kick`. */
  onEnqueued?: () => void;
}

const technicianIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
const pinPattern = /^\d{4,8}$/;

export class TechnicianChecks implements CheckHistory {
  private readonly rules: LockoutRules;

  constructor(private readonly ctx: TechnicianChecksContext) {
    const maxAttempts = ctx.maxAttempts ?? defaultLockoutRules.maxAttempts;
    const lockMs = ctx.lockMs ?? defaultLockoutRules.lockMs;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
      throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
    if (!(lockMs > 0)) throw new RangeError(`lockMs must be positive, got ${lockMs}`);
    this.rules = { maxAttempts, lockMs };
  }

  async enrol(input: { technicianId: string; displayName: string; pin: string }): Promise<Technician> {
    const id = input.technicianId;
    const displayName = input.displayName.trim();
    if (!technicianIdPattern.test(id))
      throw checkErrors.invalidTechnician({
        fr: "l'identifiant doit faire 1 à 64 caractères parmi A-Z, a-z, 0-9, . _ -",
        en: "the id must be 1 to 64 characters among A-Z, a-z, 0-9, . _ -",
      });
    // A name on one line: it goes into CSV rows and log lines.
    if (displayName.length === 0 || displayName.length > textLimits.label || /\p{Cc}/u.test(displayName))
      throw checkErrors.invalidTechnician({
        fr: `le nom doit faire 1 à ${textLimits.label} caractères, sur une ligne`,
        en: `the name must be 1 to ${textLimits.label} characters, on one line`,
      });
    if (!pinPattern.test(input.pin)) throw checkErrors.invalidPinFormat();
    if (this.ctx.store.technician(id) !== null) throw checkErrors.technicianExists(id);
    const technician: Technician = {
      id,
      displayName,
      pin: await this.ctx.pins.hash(input.pin),
      failedAttempts: 0,
      lockedUntil: null,
      enrolledAt: this.ctx.clock.now(),
    };
    const added = this.ctx.unitOfWork.transaction(() => this.ctx.store.addTechnician(technician));
    if (!added) throw checkErrors.technicianExists(id);
    this.ctx.logger.info({ technician: id }, "technician enrolled");
    return technician;
  }

  /** Checks the PIN, then stores the run and its `check` events together. */
  async sign(request: SignRequest): Promise<CheckRunRecord> {
    const planned = planRun(this.ctx.checklists, request.schedule, request.results);
    if (!pinPattern.test(request.pin)) throw checkErrors.invalidPinFormat();
    const technician = this.reserve(request.technicianId);
    const good = await this.ctx.pins.verify(request.pin, technician.pin);
    if (!good) throw this.recordFailure(technician.id);
    // Raising the scrypt cost takes effect here, the only moment the PIN is known again.
    const upgraded = this.ctx.pins.needsRehash(technician.pin) ? await this.ctx.pins.hash(request.pin) : null;
    const run = this.ctx.unitOfWork.transaction(() => {
      this.ctx.store.setAttempts(technician.id, 0, null);
      if (upgraded !== null) this.ctx.store.setPin(technician.id, upgraded);
      return this.storeRun(technician, request.schedule, planned);
    });
    this.ctx.logger.info(
      {
        technician: technician.id,
        schedule: run.schedule,
        runId: run.runId,
        failed: run.results.filter((r) => r.result === "fail").map((r) => r.checkId),
      },
      "technician check signed",
    );
    this.ctx.onEnqueued?.();
    return run;
  }

  latestByCheck(): Record<string, CheckRecord> {
    return this.ctx.store.latestByCheck();
  }

  history(range: HistoryRange = {}): CheckRunRecord[] {
    return this.ctx.store.history(range);
  }

  /** Counts an attempt, unless the technician is locked: then it refuses without counting. */
  private reserve(id: string): Technician {
    // The refusal is returned, not thrown, from the transaction: what it wrote must commit.
    const outcome = this.ctx.unitOfWork.transaction((): Technician | Error => {
      const technician = this.ctx.store.technician(id);
      if (technician === null) return checkErrors.unknownTechnician(id);
      const decision = reserveAttempt(technician, this.ctx.clock.now(), this.rules);
      const { failedAttempts, lockedUntil } = decision.state;
      // A refusal during a running lockout changes nothing: no write, so no write lock taken.
      if (failedAttempts !== technician.failedAttempts || lockedUntil !== technician.lockedUntil)
        this.ctx.store.setAttempts(id, failedAttempts, lockedUntil);
      if (!decision.allowed) return checkErrors.locked(decision.until, this.ctx.timeZone, false);
      return technician;
    });
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /** The attempt was already counted: lock when it was the last one allowed. */
  private recordFailure(id: string): Error {
    return this.ctx.unitOfWork.transaction(() => {
      const technician = this.ctx.store.technician(id);
      const state = technician ?? { failedAttempts: this.rules.maxAttempts, lockedUntil: null };
      const outcome = afterWrongPin(state, this.ctx.clock.now(), this.rules);
      this.ctx.logger.warn({ technician: id, failedAttempts: state.failedAttempts }, "wrong technician PIN");
      if (!outcome.locked) return checkErrors.pinIncorrect(outcome.attemptsLeft);
      this.ctx.store.setAttempts(id, outcome.state.failedAttempts, outcome.until);
      this.ctx.logger.warn({ technician: id, lockedUntil: outcome.until }, "technician locked out");
      return checkErrors.locked(outcome.until, this.ctx.timeZone, true);
    });
  }

  private storeRun(
    technician: Technician,
    schedule: CheckSchedule,
    planned: PlannedResult[],
  ): CheckRunRecord {
    const signedAt = this.ctx.clock.now();
    const results = planned.map((item): CheckResultRecord => {
      const message = this.ctx.outbox.enqueue(
        "check",
        {
          checkId: item.checkId,
          // The contract's itemId is the equipment item; a check about no item names itself.
          itemId: item.equipmentId ?? item.checkId,
          result: item.result,
          technician: technician.id,
          ...(item.notes !== undefined ? { notes: item.notes } : {}),
        },
        signedAt,
      );
      return { ...item, messageId: message.id };
    });
    const run: CheckRunRecord = {
      runId: newMessageId(signedAt),
      vehicle: this.ctx.vehicle,
      schedule,
      technicianId: technician.id,
      technicianName: technician.displayName,
      signedAt,
      results,
    };
    this.ctx.store.addRun(run);
    return run;
  }
}
