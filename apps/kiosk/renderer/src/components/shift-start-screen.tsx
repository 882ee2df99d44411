/**
 * The shift-start checklist (issue 10, with the equipment issue's `shiftStart` list), shown after
 * sign-in when no technician signed it in the last hours. Each item passes or fails, with a note for
 * a failure; the core then says whether "available" is allowed (the gate), which this screen shows.
 */
import { useState } from "preact/hooks";
import { useLang } from "../i18n/i18n.ts";
import { useCommand, useKiosk } from "../kiosk-context.ts";
import { ErrorNote } from "./delivery.tsx";
import { GateVerdict } from "./shift-common.tsx";

type Answer = { result: "pass" | "fail"; notes: string };

export function ShiftStartScreen({ onDone, onLater }: { onDone: () => void; onLater: () => void }) {
  const { state } = useKiosk();
  const { t, pick } = useLang();
  const command = useCommand();
  const [answers, setAnswers] = useState<Readonly<Record<string, Answer>>>({});
  const items = state.shift?.checklist?.items ?? [];
  const answer = (id: string, change: Partial<Answer>) =>
    setAnswers({ ...answers, [id]: { result: "pass", notes: "", ...answers[id], ...change } });
  const missingNote = items.some(
    (item) => answers[item.id]?.result === "fail" && !answers[item.id]?.notes.trim(),
  );
  const submit = async () => {
    const outcome = await command.run({
      type: "shift.checklist",
      results: items.map((item) => {
        const given = answers[item.id];
        return {
          checkId: item.id,
          result: given?.result ?? "pass",
          ...(given?.notes.trim() ? { notes: given.notes.trim() } : {}),
        };
      }),
    });
    if (outcome.ok) onDone();
  };
  return (
    <section class="panel shift-screen" data-testid="shift-checklist">
      <div class="panel-head">
        <h2 class="screen-title">{t("checklistTitle")}</h2>
        <button type="button" class="action" data-testid="checklist-later" onClick={onLater}>
          {t("later")}
        </button>
      </div>
      <p>{t("checklistIntro")}</p>
      <ul class="check-list">
        {items.map((item) => {
          const given = answers[item.id];
          const result = given?.result ?? "pass";
          return (
            <li key={item.id} class="check-item" data-testid={`checklist-item-${item.id}`}>
              <span class="check-label">{pick(item.label)}</span>
              <div class="choice-row">
                <button
                  type="button"
                  class={`choice${result === "pass" ? " selected" : ""}`}
                  aria-pressed={result === "pass"}
                  data-testid={`pass-${item.id}`}
                  onClick={() => answer(item.id, { result: "pass" })}
                >
                  {t("pass")}
                </button>
                <button
                  type="button"
                  class={`choice choice-fail${result === "fail" ? " selected" : ""}`}
                  aria-pressed={result === "fail"}
                  data-testid={`fail-${item.id}`}
                  onClick={() => answer(item.id, { result: "fail" })}
                >
                  {t("fail")}
                </button>
              </div>
              {result === "fail" && (
                <input
                  class="text-input"
                  aria-label={`${t("note")} — ${pick(item.label)}`}
                  placeholder={t("note")}
                  value={given?.notes ?? ""}
                  data-testid={`note-${item.id}`}
                  onInput={(event) => answer(item.id, { notes: event.currentTarget.value })}
                />
              )}
            </li>
          );
        })}
      </ul>
      <div class="action-row">
        <button
          type="button"
          class="action action-primary action-big"
          data-testid="checklist-submit"
          disabled={command.busy || missingNote}
          onClick={() => void submit()}
        >
          {t("checklistSubmit")}
        </button>
      </div>
      <ErrorNote error={command.error} />
    </section>
  );
}

/** After the checklist: may the doctor be available, and why not. */
export function GateResultScreen({ onContinue }: { onContinue: () => void }) {
  const { state } = useKiosk();
  const { t } = useLang();
  const gate = state.shift?.gate ?? null;
  return (
    <section class="panel shift-screen" data-testid="shift-gate-result">
      <h2 class="screen-title">{t("gateTitle")}</h2>
      {gate !== null && <GateVerdict gate={gate} />}
      <div class="action-row">
        <button
          type="button"
          class="action action-primary action-big"
          data-testid="gate-continue"
          onClick={onContinue}
        >
          {t("continue")}
        </button>
      </div>
    </section>
  );
}
