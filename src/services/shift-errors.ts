/**
 * Why a sign-in, a PIN or a sign-out was refused, in words a doctor understands, French first (the
 * kiosk and the CLI show `message`, the French text), English beside it. `code` is for programs.
 */
import type { LocalizedText } from "../domain/equipment/readiness-labels.ts";
import { formatRpps } from "../domain/shifts/rpps.ts";
import { clockTime, RefusalError } from "./refusal-error.ts";

export type ShiftErrorCode =
  | "invalid_rpps"
  | "invalid_pin_format"
  | "unknown_doctor"
  | "no_pin"
  | "pin_incorrect"
  | "locked"
  | "already_signed_in"
  | "not_signed_in"
  | "mission_open"
  | "invalid_checklist";

export class ShiftError extends RefusalError<ShiftErrorCode> {
  override name = "ShiftError";
}

export const shiftErrors = {
  invalidRpps: (rpps: string) =>
    new ShiftError("invalid_rpps", {
      fr: `Numéro RPPS invalide : ${rpps.length === 11 ? "la clé de contrôle ne correspond pas" : "11 chiffres attendus"}`,
      en: `Invalid RPPS number: ${rpps.length === 11 ? "the check digit does not match" : "11 digits expected"}`,
    }),
  invalidPinFormat: () =>
    new ShiftError("invalid_pin_format", {
      fr: "Le PIN doit comporter de 4 à 8 chiffres",
      en: "The PIN must be 4 to 8 digits",
    }),
  unknownDoctor: (rpps: string) =>
    new ShiftError("unknown_doctor", {
      fr: `Le médecin RPPS ${formatRpps(rpps)} n'est pas dans la liste de l'association`,
      en: `Doctor RPPS ${formatRpps(rpps)} is not on the association's roster`,
    }),
  noPin: (rpps: string) =>
    new ShiftError("no_pin", {
      fr: `Aucun PIN enregistré pour le RPPS ${formatRpps(rpps)} : à faire par le technicien (sosm shifts enrol)`,
      en: `No PIN enrolled for RPPS ${formatRpps(rpps)}: ask the technician (sosm shifts enrol)`,
    }),
  pinIncorrect: (attemptsLeft: number) =>
    new ShiftError(
      "pin_incorrect",
      {
        fr: `PIN incorrect (${attemptsLeft} essai${attemptsLeft > 1 ? "s" : ""} restant${attemptsLeft > 1 ? "s" : ""})`,
        en: `Wrong PIN (${attemptsLeft} attempt${attemptsLeft > 1 ? "s" : ""} left)`,
      },
      { attemptsLeft },
    ),
  locked: (until: number, timeZone?: string) =>
    new ShiftError(
      "locked",
      {
        fr: `Trop d'essais : verrouillé jusqu'à ${clockTime(until, timeZone)}`,
        en: `Too many attempts: locked until ${clockTime(until, timeZone)}`,
      },
      { lockedUntil: until },
    ),
  alreadySignedIn: (name: string) =>
    new ShiftError("already_signed_in", {
      fr: `${name} est déjà de garde sur ce véhicule : fin de garde d'abord`,
      en: `${name} is already on shift in this car: sign out first`,
    }),
  notSignedIn: () =>
    new ShiftError("not_signed_in", {
      fr: "Aucun médecin de garde sur ce véhicule",
      en: "No doctor is signed in on this car",
    }),
  missionOpen: (missionId: string) =>
    new ShiftError("mission_open", {
      fr: `Fin de garde impossible : la mission ${missionId} est en cours`,
      en: `Cannot sign out: mission ${missionId} is in progress`,
    }),
  invalidChecklist: (problems: readonly LocalizedText[]) =>
    new ShiftError("invalid_checklist", {
      fr: `Liste de prise de garde incomplète : ${problems.map((p) => p.fr).join(" ; ")}`,
      en: `Shift-start checklist incomplete: ${problems.map((p) => p.en).join("; ")}`,
    }),
};
