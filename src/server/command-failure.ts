/**
 * What the doctor reads when a command threw instead of answering: nothing was recorded, and why if
 * we know it. A full data disk is common enough in a car (a worn SD card, a log gone wild) to be named:
 * the doctor retries later and calls a technician, instead of retrying at once (test/reliability/chaos).
 */
import type { UiOutcome } from "../contracts/ui-api.ts";

export function commandFailure(error: unknown): UiOutcome {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "SQLITE_FULL" || code === "ENOSPC")
    return {
      ok: false,
      error: {
        code: "storage_full",
        text: {
          fr: "Mémoire du terminal pleine : l'action n'a pas été enregistrée. Réessayez dans un moment et prévenez un technicien.",
          en: "The terminal's storage is full: the action was not recorded. Try again in a moment and tell a technician.",
        },
      },
    };
  return {
    ok: false,
    error: {
      code: "internal",
      text: {
        fr: "Erreur interne : l'action n'a pas été enregistrée. Réessayez.",
        en: "Internal error: the action was not recorded. Try again.",
      },
    },
  };
}
