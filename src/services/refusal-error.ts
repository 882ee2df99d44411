/**
 * What a refusal of the technicians' checks (check-errors.ts) and of the doctors' shifts
 * (shift-errors.ts) have in common: a `code` for programs, the text in French and English for people
 * (`message` is the French one, which the kiosk and the CLI show), and the lockout details a PIN
 * screen needs. Each feature keeps its own class and codes, so that `instanceof` tells them apart.
 */
import type { LocalizedText } from "../domain/equipment/readiness-labels.ts";

export interface RefusalDetails {
  /** When the lockout ends (epoch ms), for `locked`. */
  lockedUntil?: number;
  /** Attempts left before the lockout, for `pin_incorrect`. */
  attemptsLeft?: number;
}

export abstract class RefusalError<Code extends string> extends Error {
  readonly code: Code;
  readonly text: LocalizedText;
  readonly lockedUntil?: number;
  readonly attemptsLeft?: number;

  constructor(code: Code, text: LocalizedText, details: RefusalDetails = {}) {
    super(text.fr);
    this.code = code;
    this.text = text;
    if (details.lockedUntil !== undefined) this.lockedUntil = details.lockedUntil;
    if (details.attemptsLeft !== undefined) this.attemptsLeft = details.attemptsLeft;
  }
}

/** "14:35" in the car's time zone, rounded UP to the minute: at 14:35:00 the lock is surely over. */
export function clockTime(epochMs: number, timeZone?: string): string {
  const minute = 60_000;
  return new Intl.DateTimeFormat("fr-FR", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    ...(timeZone !== undefined ? { timeZone } : {}),
  }).format(new Date(Math.ceil(epochMs / minute) * minute));
}
