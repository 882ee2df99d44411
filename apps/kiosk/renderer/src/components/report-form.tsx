/**
 * The end-of-visit report at visit_done (issue 6, PROTOCOL.md `report`): outcome, summary, acts and
 * consumables, with big choices rather than typing where possible (gloves, 3 a.m.).
 */
import { useState } from "preact/hooks";
import type { UiMission } from "../../../../../src/contracts/ui-api.ts";
import type { DictionaryKey } from "../i18n/fr.ts";
import { useLang } from "../i18n/i18n.ts";
import { useCommand } from "../kiosk-context.ts";
import { DeliveryBadge, ErrorNote } from "./delivery.tsx";

const outcomes = [
  ["treated_at_home", "outcomeTreatedAtHome"],
  ["referred_gp", "outcomeReferredGp"],
  ["sent_to_hospital", "outcomeSentToHospital"],
  ["samu_called", "outcomeSamuCalled"],
  ["no_patient", "outcomeNoPatient"],
  ["deceased", "outcomeDeceased"],
] as const satisfies ReadonlyArray<readonly [string, DictionaryKey]>;
type Outcome = (typeof outcomes)[number][0];

const actKeys = [
  "actExam",
  "actEcg",
  "actInjection",
  "actSuture",
  "actPrescription",
  "actCertificate",
] as const;
const itemKeys = ["itemGloves", "itemDressing", "itemSyringe", "itemOxygen"] as const;

export function ReportForm({ mission }: { mission: UiMission }) {
  const { t } = useLang();
  const command = useCommand();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [summary, setSummary] = useState("");
  const [acts, setActs] = useState<ReadonlySet<string>>(new Set());
  const [quantities, setQuantities] = useState<Readonly<Record<string, number>>>({});

  if (mission.report !== null)
    return (
      <section class="panel" data-testid="report-sent">
        <h2>{t("reportTitle")}</h2>
        <p>
          {t("reportFor", { id: mission.id })} ·{" "}
          <DeliveryBadge delivery={mission.report.delivery} testId="report-delivery" />
        </p>
      </section>
    );

  const toggleAct = (act: string) => {
    const next = new Set(acts);
    if (next.has(act)) next.delete(act);
    else next.add(act);
    setActs(next);
  };
  const changeQuantity = (item: string, delta: number) =>
    setQuantities({ ...quantities, [item]: Math.max(0, (quantities[item] ?? 0) + delta) });
  const submit = () => {
    if (outcome === null) return;
    const consumables = Object.entries(quantities)
      .filter(([, qty]) => qty > 0)
      .map(([item, qty]) => ({ item, qty }));
    void command.run({
      type: "report.submit",
      missionId: mission.id,
      outcome,
      summary: summary.trim(),
      ...(acts.size === 0 ? {} : { acts: [...acts] }),
      ...(consumables.length === 0 ? {} : { consumables }),
    });
  };

  return (
    <section class="panel report-form" data-testid="report-form">
      <h2>
        {t("reportTitle")} · {t("reportFor", { id: mission.id })}
      </h2>
      <fieldset>
        <legend>{t("outcome")}</legend>
        <div class="choice-grid">
          {outcomes.map(([value, key]) => (
            <button
              type="button"
              key={value}
              class={`choice${outcome === value ? " selected" : ""}`}
              aria-pressed={outcome === value}
              data-testid={`outcome-${value}`}
              onClick={() => setOutcome(value)}
            >
              {t(key)}
            </button>
          ))}
        </div>
      </fieldset>
      <label class="field-label" for="report-summary">
        {t("summary")}
      </label>
      <textarea
        id="report-summary"
        class="text-input"
        rows={3}
        maxLength={16000}
        value={summary}
        data-testid="report-summary"
        onInput={(event) => setSummary(event.currentTarget.value)}
      />
      <fieldset>
        <legend>{t("acts")}</legend>
        <div class="choice-row">
          {actKeys.map((key) => (
            <button
              type="button"
              key={key}
              class={`choice${acts.has(t(key)) ? " selected" : ""}`}
              aria-pressed={acts.has(t(key))}
              onClick={() => toggleAct(t(key))}
            >
              {t(key)}
            </button>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("consumables")}</legend>
        <div class="counter-grid">
          {itemKeys.map((key) => (
            <div class="counter" key={key}>
              <span class="counter-label">{t(key)}</span>
              <button
                type="button"
                class="counter-button"
                aria-label={`${t("less")} ${t(key)}`}
                onClick={() => changeQuantity(t(key), -1)}
              >
                −
              </button>
              <output class="counter-value">{quantities[t(key)] ?? 0}</output>
              <button
                type="button"
                class="counter-button"
                aria-label={`${t("more")} ${t(key)}`}
                onClick={() => changeQuantity(t(key), 1)}
              >
                +
              </button>
            </div>
          ))}
        </div>
      </fieldset>
      <div class="action-row">
        <button
          type="button"
          class="action action-primary"
          data-testid="report-submit"
          disabled={outcome === null || summary.trim() === "" || command.busy}
          onClick={submit}
        >
          {t("submitReport")}
        </button>
      </div>
      <ErrorNote error={command.error} />
    </section>
  );
}
