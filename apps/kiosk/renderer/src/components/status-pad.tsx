/**
 * The status pad (issue 6): one big button per radio status. The statuses refused now stay on the
 * pad, dimmed, with the core's reason under the label: a tap on one says why, in full, instead of
 * doing nothing. The pressed status shows queued → sent → received by dispatch. Emergency (code 0)
 * is not here: the panic button, held for a second, is the one way to raise it.
 */
import { useState } from "preact/hooks";
import type { UiState } from "../../../../../src/contracts/ui-api.ts";
import { useLang } from "../i18n/i18n.ts";
import { useCommand, useKiosk } from "../kiosk-context.ts";
import { DeliveryBadge, ErrorNote } from "./delivery.tsx";

type Option = UiState["statusOptions"][number];

export function StatusPad() {
  const { state } = useKiosk();
  const { t, pick } = useLang();
  const command = useCommand();
  const [pressed, setPressed] = useState<string | null>(null);
  const [explained, setExplained] = useState<Option | null>(null);
  const options = state.statusOptions.filter((option) => option.key !== "emergency");
  const lastSent = state.lastSent;

  const press = async (option: Option) => {
    if (!option.allowed) {
      setExplained(option);
      command.clear();
      return;
    }
    setExplained(null);
    setPressed(option.key);
    await command.run({ type: "status.set", key: option.key });
  };

  return (
    <section class="status-pad" aria-labelledby="status-pad-title">
      <h2 id="status-pad-title" class="visually-hidden">
        {t("statusPadTitle")}
      </h2>
      <div class="status-grid">
        {options.map((option) => {
          const current = state.status?.key === option.key;
          const showDelivery = lastSent !== null && lastSent.key === option.key;
          return (
            <button
              type="button"
              key={option.key}
              class={`status-button${current ? " current" : ""}${option.allowed || current ? "" : " refused"}`}
              aria-disabled={option.allowed ? undefined : "true"}
              aria-pressed={current}
              data-testid={`status-${option.key}`}
              data-allowed={String(option.allowed)}
              onClick={() => void press(option)}
            >
              <span class="status-code" aria-hidden="true">
                {option.code}
              </span>
              <span class="status-label">{pick(option.label)}</span>
              {option.reason !== null && !current && <span class="status-reason">{pick(option.reason)}</span>}
              {command.busy && pressed === option.key && <span class="delivery">{t("sending")}</span>}
              {showDelivery && !command.busy && (
                <DeliveryBadge delivery={lastSent.delivery} testId={`status-delivery-${option.key}`} />
              )}
            </button>
          );
        })}
      </div>
      {explained?.reason && (
        <p class="notice" role="status">
          {pick(explained.label)} — {pick(explained.reason)}
        </p>
      )}
      {command.warnings.map((warning) => (
        <p class="notice" role="status" key={warning.fr}>
          {pick(warning)}
        </p>
      ))}
      <ErrorNote error={command.error} />
    </section>
  );
}
