/**
 * Technician mode (issue 6, with the checklists of issue 5), behind the technician's id and PIN.
 * The PIN is held in memory only while the mode is open and is checked by the core when the run is
 * signed (scrypt, lockout after repeated failures: src/services/technician-checks.ts); leaving the
 * tab forgets it.
 */
import { useState } from "preact/hooks";
import type { UiState } from "../../../../../src/contracts/ui-api.ts";
import { useLang } from "../i18n/i18n.ts";
import { useCommand, useKiosk } from "../kiosk-context.ts";
import { ErrorNote } from "./delivery.tsx";
import { PinPad } from "./pin-pad.tsx";

type Checklist = NonNullable<UiState["checks"]>["checklists"][number];
type Answer = { result: "pass" | "fail"; notes: string };

export function TechnicianMode() {
  const { state } = useKiosk();
  const { t } = useLang();
  const [technician, setTechnician] = useState("");
  const [pin, setPin] = useState("");
  const [unlocked, setUnlocked] = useState(false);
  if (state.checks === null)
    return (
      <section class="panel">
        <h2>{t("technicianTitle")}</h2>
        <p class="empty">{t("checksUnavailable")}</p>
      </section>
    );
  if (!unlocked)
    return (
      <section class="panel technician-gate" data-testid="technician-gate">
        <h2>{t("technicianTitle")}</h2>
        <p>{t("technicianIntro")}</p>
        <label class="field-label" for="technician-id">
          {t("technicianId")}
        </label>
        <input
          id="technician-id"
          class="text-input"
          autocomplete="off"
          value={technician}
          maxLength={64}
          data-testid="technician-id"
          onInput={(event) => setTechnician(event.currentTarget.value.trim())}
        />
        <PinPad label={t("pin")} value={pin} onChange={setPin} maxLength={8} />
        <div class="action-row">
          <button
            type="button"
            class="action action-primary"
            data-testid="technician-enter"
            disabled={technician === "" || pin.length < 4}
            onClick={() => setUnlocked(true)}
          >
            {t("enter")}
          </button>
        </div>
      </section>
    );
  return (
    <Checklists
      checklists={state.checks.checklists}
      technician={technician}
      pin={pin}
      onLeave={() => {
        setPin("");
        setUnlocked(false);
      }}
    />
  );
}

interface ChecklistsProps {
  checklists: Checklist[];
  technician: string;
  pin: string;
  onLeave: () => void;
}

function Checklists({ checklists, technician, pin, onLeave }: ChecklistsProps) {
  const { t, pick } = useLang();
  const command = useCommand();
  const [schedule, setSchedule] = useState<Checklist["schedule"]>(checklists[0]?.schedule ?? "shiftStart");
  const [answers, setAnswers] = useState<Readonly<Record<string, Answer>>>({});
  const [signed, setSigned] = useState(false);
  const list = checklists.find((checklist) => checklist.schedule === schedule);
  const answer = (id: string, change: Partial<Answer>) =>
    setAnswers({ ...answers, [id]: { result: "pass", notes: "", ...answers[id], ...change } });
  const sign = async () => {
    if (list === undefined) return;
    const outcome = await command.run({
      type: "checks.sign",
      technicianId: technician,
      pin,
      schedule,
      results: list.items.map((item) => {
        const given = answers[item.id];
        return {
          checkId: item.id,
          result: given?.result ?? "pass",
          ...(given?.notes.trim() ? { notes: given.notes.trim() } : {}),
        };
      }),
    });
    if (outcome.ok) {
      setSigned(true);
      setAnswers({});
    }
  };
  return (
    <section class="panel" data-testid="technician-checks">
      <div class="panel-head">
        <h2>
          {t("technicianTitle")} · {technician}
        </h2>
        <button type="button" class="action" onClick={onLeave}>
          {t("leave")}
        </button>
      </div>
      <div class="choice-row">
        {checklists.map((checklist) => (
          <button
            type="button"
            key={checklist.schedule}
            class={`choice${schedule === checklist.schedule ? " selected" : ""}`}
            aria-pressed={schedule === checklist.schedule}
            onClick={() => {
              setSchedule(checklist.schedule);
              setSigned(false);
            }}
          >
            {capitalized(pick(checklist.label))}
          </button>
        ))}
      </div>
      <ul class="check-list">
        {list?.items.map((item) => {
          const given = answers[item.id];
          const result = given?.result ?? "pass";
          return (
            <li key={item.id} class="check-item">
              <span class="check-label">{pick(item.label)}</span>
              <div class="choice-row">
                <button
                  type="button"
                  class={`choice${result === "pass" ? " selected" : ""}`}
                  aria-pressed={result === "pass"}
                  onClick={() => answer(item.id, { result: "pass" })}
                >
                  {t("pass")}
                </button>
                <button
                  type="button"
                  class={`choice choice-fail${result === "fail" ? " selected" : ""}`}
                  aria-pressed={result === "fail"}
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
          class="action action-primary"
          data-testid="checks-sign"
          disabled={command.busy}
          onClick={() => void sign()}
        >
          {t("sign")}
        </button>
      </div>
      {signed && (
        <p class="notice" role="status">
          {t("signed")}
        </p>
      )}
      <ErrorNote error={command.error} />
    </section>
  );
}

/** "prise de poste" → "Prise de poste": the core's names are written to sit inside a sentence. */
function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
