/**
 * The doctor's shift commands from the screen (issue 10): sign in, the shift-start checklist, the
 * lock and its PIN, sign out. A refused PIN says how many tries are left, or until when the PIN is
 * locked out (the same lockout as sign-in: 5 tries, 15 min — shift-doctors.ts).
 */
import type { UiCommand, UiOutcome } from "../contracts/ui-api.ts";
import { ShiftError } from "../services/shift-errors.ts";
import type { ShiftService } from "../services/shift-service.ts";

export type ShiftCommand = Extract<
  UiCommand,
  { type: "shift.signIn" | "shift.checklist" | "shift.unlock" | "shift.lock" | "shift.signOut" }
>;

export interface ShiftCommandTargets {
  service: Pick<ShiftService, "signIn" | "completeShiftStart" | "verifyPin" | "signOut">;
  lock: { lockNow(): void; unlock(): void };
}

export function isShiftCommand(command: UiCommand): command is ShiftCommand {
  return command.type.startsWith("shift.");
}

export function fromShiftError(error: ShiftError): UiOutcome {
  return {
    ok: false,
    error: {
      code: error.code,
      text: { fr: error.text.fr, en: error.text.en },
      ...(error.attemptsLeft === undefined ? {} : { attemptsLeft: error.attemptsLeft }),
      ...(error.lockedUntil === undefined ? {} : { lockedUntil: error.lockedUntil }),
    },
  };
}

export async function runShiftCommand(
  targets: ShiftCommandTargets,
  command: ShiftCommand,
): Promise<UiOutcome> {
  const { service, lock } = targets;
  try {
    switch (command.type) {
      case "shift.signIn":
        await service.signIn({
          rpps: command.rpps,
          pin: command.pin,
          ...(command.name === undefined ? {} : { name: command.name }),
        });
        return { ok: true };
      case "shift.checklist": {
        const gate = service.completeShiftStart(
          command.results.map((r) => ({
            checkId: r.checkId,
            result: r.result,
            ...(r.notes === undefined ? {} : { notes: r.notes }),
          })),
        );
        const shown = [...gate.blockingReasons, ...gate.warnings].map((w) => ({
          fr: w.text.fr,
          en: w.text.en,
        }));
        return shown.length === 0 ? { ok: true } : { ok: true, warnings: shown };
      }
      case "shift.unlock":
        await service.verifyPin(command.pin);
        lock.unlock();
        return { ok: true };
      case "shift.lock":
        lock.lockNow();
        return { ok: true };
      case "shift.signOut":
        service.signOut();
        return { ok: true };
    }
  } catch (error) {
    if (error instanceof ShiftError) return fromShiftError(error);
    throw error;
  }
}
