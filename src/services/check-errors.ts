/**
 * Why a technician check was refused, in words a technician understands, French first (the kiosk
 * and the CLI show `message`, which is the French text) with the English text beside it.
 * `code` is for programs (the UI API, tests); the texts are for people.
 */
import type { LocalizedText } from "../domain/equipment/readiness-labels.ts";
import { clockTime, RefusalError } from "./refusal-error.ts";

export type CheckErrorCode =
  | "invalid_technician"
  | "invalid_pin_format"
  | "technician_exists"
  | "unknown_technician"
  | "pin_incorrect"
  | "locked"
  | "invalid_run";

export class CheckError extends RefusalError<CheckErrorCode> {
  override name = "CheckError";
}

export const checkErrors = {
  invalidTechnician: (reason: LocalizedText) =>
    new CheckError("invalid_technician", {
      fr: `Identifiant ou nom du technicien invalide : ${reason.fr}`,
      en: `Invalid technician id or name: ${reason.en}`,
    }),
  invalidPinFormat: () =>
    new CheckError("invalid_pin_format", {
      fr: "Le PIN doit comporter de 4 à 8 chiffres",
      en: "The PIN must be 4 to 8 digits",
    }),
  technicianExists: (id: string) =>
    new CheckError("technician_exists", {
      fr: `Le technicien ${id} est déjà inscrit`,
      en: `Technician ${id} is already enrolled`,
    }),
  unknownTechnician: (id: string) =>
    new CheckError("unknown_technician", {
      fr: `Technicien inconnu : ${id}`,
      en: `Unknown technician: ${id}`,
    }),
  pinIncorrect: (attemptsLeft: number) =>
    new CheckError(
      "pin_incorrect",
      {
        fr: `PIN incorrect (${attemptsLeft} ${attemptsLeft > 1 ? "essais restants" : "essai restant"})`,
        en: `Wrong PIN (${attemptsLeft} ${attemptsLeft > 1 ? "attempts" : "attempt"} left)`,
      },
      { attemptsLeft },
    ),
  /** `justNow`: this wrong PIN is the one that locked the technician. */
  locked: (lockedUntil: number, timeZone: string | undefined, justNow: boolean) => {
    const at = clockTime(lockedUntil, timeZone);
    return new CheckError(
      "locked",
      justNow
        ? {
            fr: `PIN incorrect : trop d'essais, verrouillé jusqu'à ${at}`,
            en: `Wrong PIN: too many attempts, locked until ${at}`,
          }
        : {
            fr: `Trop d'essais de PIN incorrects : verrouillé jusqu'à ${at}`,
            en: `Too many wrong PINs: locked until ${at}`,
          },
      { lockedUntil },
    );
  },
  invalidRun: (problems: readonly LocalizedText[]) =>
    new CheckError("invalid_run", {
      fr: `Contrôle refusé : ${problems.map((problem) => problem.fr).join(" ; ")}`,
      en: `Check refused: ${problems.map((problem) => problem.en).join("; ")}`,
    }),
};
