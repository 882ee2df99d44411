/**
 * The fleet's equipment at a glance: every car's readiness verdict and, for each item that is not
 * "ok", the car's own reasons (low oxygen autonomy, ECG self-test failed, kit expired...). Cars that
 * are not ready come first: they are the ones dispatch must not send blindly. "Détail" loads every
 * item of one car, ok ones included.
 */
import { useState } from "preact/hooks";
import type { CarRow, EquipmentView } from "../api.ts";
import { dateTime, parseTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";

const stateOrder: Record<string, number> = { fault: 0, warning: 1, unknown: 2, ok: 3 };

export interface EquipmentOverviewProps {
  cars: readonly CarRow[];
  loadDetail: (vehicle: string) => Promise<EquipmentView | string>;
}

interface ItemLine {
  id: string;
  kind: string;
  state: string;
  reasons: readonly string[];
}

export function EquipmentOverview({ cars, loadDetail }: EquipmentOverviewProps) {
  const { t, lang, label } = useLang();
  const [detail, setDetail] = useState<{ vehicle: string; view: EquipmentView | string } | null>(null);
  const rank = (car: CarRow) => (car.readiness === null ? 1 : car.readiness.ready ? 2 : 0);
  const sorted = [...cars].sort((a, b) => rank(a) - rank(b) || a.vehicle.localeCompare(b.vehicle));
  if (sorted.length === 0) return <p class="empty">{t("boardEmpty")}</p>;
  return (
    <div class="equipment-grid" data-testid="equipment-overview">
      {sorted.map((car) => {
        const readiness = car.readiness;
        const at = parseTime(readiness?.at);
        const shown = detail?.vehicle === car.vehicle ? detail.view : null;
        const items: readonly ItemLine[] =
          shown !== null && typeof shown !== "string" ? shown.items : (readiness?.notOk ?? []);
        return (
          <section class="panel equipment-car" key={car.vehicle} data-testid={`equipment-${car.vehicle}`}>
            <h3>
              {car.vehicle}
              {readiness === null ? (
                <span class="chip chip-muted">{t("readinessUnknown")}</span>
              ) : readiness.ready ? (
                <span class="chip chip-ok">{t("ready")}</span>
              ) : (
                <span class="chip chip-alarm">{t("notReady")}</span>
              )}
              {at !== null && <span class="muted">{t("reportedAt", { time: dateTime(at, lang) })}</span>}
            </h3>
            {items.length === 0 && readiness !== null && <p class="muted">{t("equipmentAllOk")}</p>}
            <ul class="equipment-items">
              {[...items]
                .sort((a, b) => (stateOrder[a.state] ?? 2) - (stateOrder[b.state] ?? 2))
                .map((item) => (
                  <li key={item.id} data-state={item.state}>
                    <span>
                      <span class={`chip ${chipOf(item.state)}`}>{label("itemState_", item.state)}</span>{" "}
                      {label("kind_", item.kind)}
                    </span>
                    <span>{item.reasons.join(" · ")}</span>
                  </li>
                ))}
            </ul>
            {typeof shown === "string" && <p class="error-note">{shown}</p>}
            <div class="action-row">
              <button
                type="button"
                onClick={() => {
                  if (shown !== null) setDetail(null);
                  else void loadDetail(car.vehicle).then((view) => setDetail({ vehicle: car.vehicle, view }));
                }}
              >
                {shown !== null ? t("equipmentLess") : t("equipmentDetail")}
              </button>
            </div>
          </section>
        );
      })}
    </div>
  );
}

function chipOf(state: string): string {
  return state === "ok"
    ? "chip-ok"
    : state === "warning"
      ? "chip-warn"
      : state === "fault"
        ? "chip-alarm"
        : "chip-muted";
}
