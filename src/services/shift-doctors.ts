/**
 * Who may sign in (issue 10): the association's roster, from the vehicle profile until dispatch
 * sends a `roster` command that replaces it, and the doctors' PINs.
 *
 * - A roster replaces the list: doctors left out can no longer sign in (they are kept, marked out
 *   of the roster, because past shifts name them). A doctor on shift who is left out stays signed in
 *   until sign-out: taking the car's doctor away mid-shift would be worse than the roster lag.
 * - A roster entry's `pinHash` (the `sosm pin hash` form) sets that doctor's PIN and clears their
 *   lockout; without it the PIN enrolled on the car (`sosm shifts enrol`) stays.
 * - The profile's roster is applied at start as long as dispatch never sent one: dispatch's is newer.
 * - PINs are scrypt hashes through the technicians' `PinHasher` (one scrypt implementation), with
 *   the same lockout: 5 wrong PINs lock for 15 min (src/domain/lockout.ts).
 */
import { textLimits } from "../contracts/fields.ts";
import {
  afterWrongPin,
  defaultLockoutRules,
  type LockoutRules,
  reserveAttempt,
  unlocked,
} from "../domain/lockout.ts";
import { isValidRpps } from "../domain/shifts/rpps.ts";
import type { PinHasher, StoredPin } from "./check-ports.ts";
import type { UnitOfWork } from "./outbox.ts";
import { decodePinHash, encodePinHash } from "./pin-verifier.ts";
import type { Clock, Logger } from "./ports.ts";
import { shiftErrors } from "./shift-errors.ts";
import type { DoctorRecord, DoctorStore } from "./shift-ports.ts";

export interface RosterInput {
  doctors: ReadonlyArray<{ rpps: string; name: string; pinHash?: string | undefined }>;
  allowUnknown?: boolean | undefined;
}

export interface DoctorDirectoryContext {
  store: DoctorStore;
  unitOfWork: UnitOfWork;
  pins: PinHasher;
  clock: Clock;
  logger: Logger;
  /** `shifts.allowUnknownDoctors`, until a roster says otherwise. */
  allowUnknownByDefault: boolean;
  lockout?: Partial<LockoutRules>;
  timeZone?: string;
}

export const doctorPinPattern = /^\d{4,8}$/;

/** A name on one line (it goes into CSV rows, log lines and the presence body). */
export function cleanDoctorName(name: string): string | null {
  const clean = name.trim().replace(/\s+/g, " ");
  return clean.length === 0 || clean.length > textLimits.label || /\p{Cc}/u.test(clean) ? null : clean;
}

function samePin(a: StoredPin | null, b: StoredPin): boolean {
  return a !== null && encodePinHash(a) === encodePinHash(b);
}

export class DoctorDirectory {
  private readonly rules: LockoutRules;

  constructor(private readonly ctx: DoctorDirectoryContext) {
    this.rules = { ...defaultLockoutRules, ...ctx.lockout };
  }

  /** Replaces the roster. Call inside a transaction (the `roster` command's, or the caller's). */
  applyRoster(roster: RosterInput, source: "profile" | "roster"): { doctors: number; retired: number } {
    const { store } = this.ctx;
    const at = Math.round(this.ctx.clock.now());
    for (const entry of roster.doctors) {
      const name = cleanDoctorName(entry.name) ?? entry.rpps;
      const existing = store.doctor(entry.rpps);
      const given = entry.pinHash === undefined ? null : decodePinHash(entry.pinHash);
      const changedPin = given !== null && !samePin(existing?.pin ?? null, given);
      store.upsertDoctor({
        rpps: entry.rpps,
        name,
        source,
        inRoster: true,
        pin: changedPin ? given : (existing?.pin ?? null),
        ...(changedPin || existing === null ? unlocked : existing),
        updatedAt: at,
      });
    }
    const retired = store.retireOthers(
      roster.doctors.map((d) => d.rpps),
      at,
    );
    const settings = store.rosterSettings();
    store.saveRosterSettings({
      allowUnknown: roster.allowUnknown ?? settings.allowUnknown,
      updatedAt: at,
      source,
    });
    this.ctx.logger.info({ source, doctors: roster.doctors.length, retired }, "doctors' roster replaced");
    return { doctors: roster.doctors.length, retired };
  }

  /** The profile's roster, unless dispatch already sent one. */
  seedFromProfile(roster: RosterInput | undefined): void {
    if (roster === undefined) return;
    this.ctx.unitOfWork.transaction(() => {
      if (this.ctx.store.rosterSettings().source === "roster") return;
      this.applyRoster(roster, "profile");
    });
  }

  allowsUnknown(): boolean {
    return this.ctx.store.rosterSettings().allowUnknown ?? this.ctx.allowUnknownByDefault;
  }

  doctor(rpps: string): DoctorRecord | null {
    return this.ctx.store.doctor(rpps);
  }

  doctors(): DoctorRecord[] {
    return this.ctx.store.doctors();
  }

  /** Sets a doctor's PIN (the CLI's `sosm shifts enrol`); the doctor must be known. */
  async enrolPin(rpps: string, pin: string): Promise<DoctorRecord> {
    if (!isValidRpps(rpps)) throw shiftErrors.invalidRpps(rpps);
    if (!doctorPinPattern.test(pin)) throw shiftErrors.invalidPinFormat();
    if (this.ctx.store.doctor(rpps) === null) throw shiftErrors.unknownDoctor(rpps);
    const stored = await this.ctx.pins.hash(pin);
    return this.ctx.unitOfWork.transaction(() => {
      const doctor = this.ctx.store.doctor(rpps);
      if (doctor === null) throw shiftErrors.unknownDoctor(rpps);
      const at = this.ctx.clock.now();
      this.ctx.store.setPin(rpps, stored, at);
      this.ctx.store.setAttempts(rpps, unlocked);
      this.ctx.logger.info({ rpps }, "doctor PIN enrolled");
      return { ...doctor, pin: stored, ...unlocked, updatedAt: at };
    });
  }

  /** A doctor outside the roster, let in by the policy: their first PIN becomes theirs. */
  async addWalkIn(rpps: string, name: string, pin: string): Promise<DoctorRecord> {
    const stored = await this.ctx.pins.hash(pin);
    const doctor: DoctorRecord = {
      rpps,
      name,
      source: "walk_in",
      inRoster: false,
      pin: stored,
      ...unlocked,
      updatedAt: Math.round(this.ctx.clock.now()),
    };
    this.ctx.unitOfWork.transaction(() => this.ctx.store.upsertDoctor(doctor));
    this.ctx.logger.warn({ rpps }, "doctor outside the roster signed in (policy allows it)");
    return doctor;
  }

  /**
   * Checks a doctor's PIN with the lockout. The attempt is counted before the comparison and
   * forgiven only by a good PIN. Throws ShiftError (pin_incorrect, locked, no_pin, unknown_doctor).
   */
  async verify(rpps: string, pin: string): Promise<DoctorRecord> {
    const wellFormed = doctorPinPattern.test(pin);
    const doctor = this.reserve(rpps);
    if (doctor.pin === null) throw shiftErrors.noPin(rpps);
    let good = false;
    try {
      // The same work for a malformed PIN as for a wrong one: timing does not tell them apart.
      good = (await this.ctx.pins.verify(wellFormed ? pin : "", doctor.pin)) && wellFormed;
    } catch (error) {
      this.ctx.logger.error({ err: error, rpps }, "stored doctor PIN unreadable");
    }
    if (!good) throw this.failure(rpps);
    const upgraded = this.ctx.pins.needsRehash(doctor.pin) ? await this.ctx.pins.hash(pin) : null;
    this.ctx.unitOfWork.transaction(() => {
      this.ctx.store.setAttempts(rpps, unlocked);
      if (upgraded !== null) this.ctx.store.setPin(rpps, upgraded, this.ctx.clock.now());
    });
    return { ...doctor, ...unlocked, ...(upgraded === null ? {} : { pin: upgraded }) };
  }

  private reserve(rpps: string): DoctorRecord {
    const outcome = this.ctx.unitOfWork.transaction((): DoctorRecord | Error => {
      const doctor = this.ctx.store.doctor(rpps);
      if (doctor === null) return shiftErrors.unknownDoctor(rpps);
      if (doctor.pin === null) return shiftErrors.noPin(rpps);
      const decision = reserveAttempt(doctor, this.ctx.clock.now(), this.rules);
      this.ctx.store.setAttempts(rpps, decision.state);
      if (!decision.allowed) return shiftErrors.locked(decision.until, this.ctx.timeZone);
      return { ...doctor, ...decision.state };
    });
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  private failure(rpps: string): Error {
    return this.ctx.unitOfWork.transaction(() => {
      const doctor = this.ctx.store.doctor(rpps);
      const state = doctor ?? { failedAttempts: this.rules.maxAttempts, lockedUntil: null };
      const outcome = afterWrongPin(state, this.ctx.clock.now(), this.rules);
      this.ctx.logger.warn({ rpps, failedAttempts: state.failedAttempts }, "wrong doctor PIN");
      if (!outcome.locked) return shiftErrors.pinIncorrect(outcome.attemptsLeft);
      this.ctx.store.setAttempts(rpps, outcome.state);
      this.ctx.logger.warn({ rpps, lockedUntil: outcome.until }, "doctor locked out");
      return shiftErrors.locked(outcome.until, this.ctx.timeZone);
    });
  }
}
