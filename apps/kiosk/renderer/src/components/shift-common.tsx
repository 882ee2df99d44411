/** Pieces the shift screens share: a refused PIN said with the local clock, and the gate's verdict. */
import type { UiError, UiShift } from "../../../../../src/contracts/ui-api.ts";
import { clockTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import { ErrorNote } from "./delivery.tsx";

/** "PIN incorrect : 3 essai(s) restant(s)", "verrouillé jusqu'à 03:27" — else the core's sentence. */
export function PinErrorNote({ error }: { error: UiError | null }) {
  const { t, lang } = useLang();
  if (error === null) return null;
  if (error.lockedUntil !== undefined)
    return (
      <p class="error-note" role="alert" data-testid="pin-error" data-code={error.code}>
        {t("pinLockedUntil", { time: clockTime(error.lockedUntil, lang) })}
      </p>
    );
  if (error.attemptsLeft !== undefined)
    return (
      <p class="error-note" role="alert" data-testid="pin-error" data-code={error.code}>
        {t("pinWrong", { n: error.attemptsLeft })}
      </p>
    );
  return (
    <div data-testid="pin-error" data-code={error.code}>
      <ErrorNote error={error} />
    </div>
  );
}

export function GateVerdict({ gate }: { gate: NonNullable<UiShift["gate"]> }) {
  const { t, pick } = useLang();
  const blocked = !gate.allowed;
  const reasons = blocked ? gate.blockingReasons : gate.warnings;
  return (
    <div
      class={`banner ${blocked ? "banner-alarm" : reasons.length > 0 ? "banner-warn" : "banner-info"}`}
      data-testid="shift-gate"
      data-allowed={String(gate.allowed)}
    >
      <p>
        <strong>
          {blocked ? t("gateBlocked") : reasons.length > 0 ? t("gateWarned") : t("gateAllowed")}
        </strong>
      </p>
      {reasons.length > 0 && (
        <ul class="reasons">
          {reasons.map((reason) => (
            <li key={reason.fr}>{pick(reason)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** "2 h 05", "45 min". */
export function durationText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")}`;
}
