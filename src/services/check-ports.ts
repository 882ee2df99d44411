/**
 * The ports and records of technician checks (src/services/technician-checks.ts): what the store
 * (src/store/check-repository.ts) and the PIN hasher (src/store/scrypt-pin-hasher.ts) implement.
 */
import type { LocalizedText } from "../domain/equipment/readiness-labels.ts";
import type { CheckSchedule } from "../domain/equipment/technician-checks.ts";
import type { CheckHistory } from "./technician-checks.ts";

export interface ScryptParams {
  /** CPU/memory cost, a power of 2. */
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

/** A PIN as stored: never the PIN itself. The parameters travel with the hash so they can be raised. */
export interface StoredPin {
  algorithm: "scrypt";
  hash: Uint8Array;
  salt: Uint8Array;
  params: ScryptParams;
}

export interface PinHasher {
  hash(pin: string): Promise<StoredPin>;
  /** Constant-time comparison of the PIN's hash with `stored`, using `stored`'s own parameters. */
  verify(pin: string, stored: StoredPin): Promise<boolean>;
  /** True when `stored` was made with weaker parameters than the current ones. */
  needsRehash(stored: StoredPin): boolean;
}

export interface Technician {
  id: string;
  displayName: string;
  pin: StoredPin;
  failedAttempts: number;
  /** Epoch ms; null when not locked. */
  lockedUntil: number | null;
  enrolledAt: number;
}

export interface CheckResultRecord {
  checkId: string;
  /** The equipment item the check is about, if the profile names one. */
  equipmentId?: string;
  /** The label as signed. */
  label: LocalizedText;
  result: "pass" | "fail";
  notes?: string;
  /** The envelope id of the `check` event that carried this result. */
  messageId: string;
}

export interface CheckRunRecord {
  runId: string;
  vehicle: string;
  schedule: CheckSchedule;
  technicianId: string;
  /** The name as it was when the run was signed. */
  technicianName: string;
  signedAt: number;
  /** In checklist order. */
  results: CheckResultRecord[];
}

/** Epoch ms; `from` inclusive, `to` exclusive. */
export interface HistoryRange {
  from?: number;
  to?: number;
}

/** The storage the service needs (src/store/check-repository.ts). Writes run inside UnitOfWork. */
export interface CheckStore extends CheckHistory {
  /** False when the id is taken. */
  addTechnician(technician: Technician): boolean;
  technician(id: string): Technician | null;
  setAttempts(id: string, failedAttempts: number, lockedUntil: number | null): void;
  setPin(id: string, pin: StoredPin): void;
  addRun(run: CheckRunRecord): void;
  /** Runs signed in the range, oldest first. */
  history(range?: HistoryRange): CheckRunRecord[];
}
