/** The equipment panel (issue 6): the readiness of each item, with the reasons the core gives. */

import { clockTime } from "../format.ts";
import type { DictionaryKey } from "../i18n/fr.ts";
import { useLang } from "../i18n/i18n.ts";
import { useKiosk } from "../kiosk-context.ts";

const linkKeys: Record<string, DictionaryKey> = {
  stopped: "linkStopped",
  connecting: "linkConnecting",
  connected: "linkConnected",
  lost: "linkLostState",
  retrying: "linkRetrying",
};

const stateKeys: Record<string, DictionaryKey> = {
  ok: "itemOk",
  warning: "itemWarning",
  fault: "itemFault",
  unknown: "itemUnknown",
};

export function EquipmentPanel() {
  const { state } = useKiosk();
  const { t, pick, lang } = useLang();
  const equipment = state.equipment;
  if (equipment === null)
    return (
      <section class="panel">
        <h2>{t("equipmentTitle")}</h2>
        <p class="empty">{t("equipmentNotTracked")}</p>
      </section>
    );
  const linkKey = linkKeys[equipment.link.state];
  return (
    <section class="panel" aria-labelledby="equipment-title" data-testid="equipment-panel">
      <h2 id="equipment-title">{t("equipmentTitle")}</h2>
      <p class="muted">
        {t("equipmentLink", { state: linkKey === undefined ? equipment.link.state : t(linkKey) })}
      </p>
      <ul class="equipment-list">
        {equipment.items.map((item) => (
          <li
            key={item.id}
            class={`equipment-item item-${item.state}`}
            data-testid={`equipment-${item.id}`}
            data-state={item.state}
          >
            <div class="equipment-head">
              <span class="equipment-name">{pick(item.label)}</span>
              <span class={`item-state item-state-${item.state}`}>
                {t(stateKeys[item.state] ?? "itemUnknown")}
              </span>
            </div>
            {item.reasons.length > 0 && (
              <ul class="reasons">
                {item.reasons.map((reason) => (
                  <li key={reason.fr}>{pick(reason)}</li>
                ))}
              </ul>
            )}
            {item.checkedAt !== null && (
              <p class="muted">{t("lastReading", { time: clockTime(item.checkedAt, lang) })}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
