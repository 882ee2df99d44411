/**
 * The "Garde" tab (issue 10): who is on shift since when, how the shift-start checklist was covered,
 * whether "available" is allowed and why not, and the lock and end-of-shift buttons. Signing out is
 * asked twice (a glove must not end a shift) and refused by the core while a mission is in progress.
 */
import { useState } from "preact/hooks";
import { formatRpps } from "../../../../../src/domain/shifts/rpps.ts";
import { clockTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import { useCommand, useKiosk } from "../kiosk-context.ts";
import { ErrorNote } from "./delivery.tsx";
import { GateVerdict } from "./shift-common.tsx";

export function ShiftPanel({ onChecklist }: { onChecklist: () => void }) {
  const { state } = useKiosk();
  const { t, lang } = useLang();
  const command = useCommand();
  const [confirming, setConfirming] = useState(false);
  const shift = state.shift;
  if (shift === null || shift.doctor === null) return null;
  const checklist = shift.checklist;
  const checklistText =
    checklist === null || checklist.state === "not_required"
      ? t("checklistNotRequired")
      : checklist.state === "pending"
        ? t("checklistPending")
        : checklist.state === "covered"
          ? t("checklistCovered", { by: checklist.by ?? "?", time: clockTime(checklist.at ?? 0, lang) })
          : t("checklistDone", { time: clockTime(checklist.at ?? 0, lang) });
  return (
    <section class="panel" data-testid="shift-panel">
      <h2>
        {shift.doctor.name} <span class="muted">· RPPS {formatRpps(shift.doctor.rpps)}</span>
      </h2>
      {shift.startedAt !== null && <p>{t("onShiftSince", { time: clockTime(shift.startedAt, lang) })}</p>}
      <p data-testid="shift-checklist-state" data-state={checklist?.state ?? "none"}>
        {checklistText}
      </p>
      {checklist?.state === "pending" && (
        <button type="button" class="action" data-testid="shift-do-checklist" onClick={onChecklist}>
          {t("doChecklist")}
        </button>
      )}
      {shift.gate !== null && <GateVerdict gate={shift.gate} />}
      <div class="action-row">
        <button
          type="button"
          class="action"
          data-testid="shift-lock"
          onClick={() => void command.run({ type: "shift.lock" })}
        >
          {t("lockNow")}
        </button>
        {confirming ? (
          <button
            type="button"
            class="action action-danger"
            data-testid="shift-sign-out-confirm"
            disabled={command.busy}
            onClick={() => {
              setConfirming(false);
              void command.run({ type: "shift.signOut" });
            }}
          >
            {t("signOutConfirm")}
          </button>
        ) : (
          <button
            type="button"
            class="action action-danger"
            data-testid="shift-sign-out"
            onClick={() => setConfirming(true)}
          >
            {t("signOut")}
          </button>
        )}
      </div>
      <ErrorNote error={command.error} />
    </section>
  );
}
