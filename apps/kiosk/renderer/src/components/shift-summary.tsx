/**
 * The end-of-shift summary (issue 10): the shift's period and distance, the time in each status, the
 * missions with their times (ids and priorities only: no patient data), the alarms, and the
 * consumables used, which make the technician's restock list.
 */
import type { UiShiftSummary } from "../../../../../src/contracts/ui-api.ts";
import { radioStatuses } from "../../../../../src/domain/radio-status.ts";
import { clockTime, distanceText } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import { durationText } from "./shift-common.tsx";

const labels = new Map(radioStatuses.map((status) => [status.key, status.labels]));

export function ShiftSummaryScreen({ summary, onDone }: { summary: UiShiftSummary; onDone: () => void }) {
  const { t, lang } = useLang();
  const time = (at: number | undefined) => (at === undefined ? "—" : clockTime(at, lang));
  return (
    <section class="panel shift-screen shift-summary" data-testid="shift-summary">
      <h2 class="screen-title">{t("summaryTitle")}</h2>
      <p>
        <strong>{summary.doctor.name}</strong> ·{" "}
        {t("summaryPeriod", {
          from: clockTime(summary.startedAt, lang),
          to: clockTime(summary.endedAt, lang),
          duration: durationText(summary.endedAt - summary.startedAt),
        })}
      </p>
      <p data-testid="summary-distance">
        {t("summaryDistance", { km: distanceText(summary.distanceM, lang) })}
      </p>
      <div class="summary-grid">
        <div>
          <h3>{t("summaryStatuses")}</h3>
          {summary.statusTimes.length === 0 && <p class="muted">{t("statusNone")}</p>}
          <dl class="summary-list" data-testid="summary-statuses">
            {summary.statusTimes.map((entry) => (
              <div key={entry.key}>
                <dt>{labels.get(entry.key)?.[lang] ?? entry.key}</dt>
                <dd>{durationText(entry.ms)}</dd>
              </div>
            ))}
          </dl>
          <h3>{t("summaryAlarms")}</h3>
          {summary.alarms.length === 0 ? (
            <p class="muted">{t("summaryNoAlarm")}</p>
          ) : (
            <ul data-testid="summary-alarms">
              {summary.alarms.map((alarm) => (
                <li key={alarm.alarmId}>
                  {clockTime(alarm.raisedAt, lang)} · {alarm.kind}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>{t("summaryMissions")}</h3>
          {summary.missions.length === 0 ? (
            <p class="muted">{t("summaryNoMission")}</p>
          ) : (
            <ul data-testid="summary-missions">
              {summary.missions.map((mission) => (
                <li key={mission.missionId}>
                  <strong>
                    {mission.priority} · {mission.missionId}
                  </strong>{" "}
                  ({mission.outcome ?? mission.state})
                  <br />
                  <span class="muted">
                    {t("missionTimes", {
                      received: time(mission.times.receivedAt),
                      enRoute: time(mission.times.enRouteAt),
                      onScene: time(mission.times.onSceneAt),
                      visitDone: time(mission.times.visitDoneAt),
                    })}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <h3>{t("summaryRestock")}</h3>
          {summary.restock.length === 0 ? (
            <p class="muted">{t("summaryNoRestock")}</p>
          ) : (
            <ul data-testid="summary-restock">
              {summary.restock.map((entry) => (
                <li key={entry.item}>
                  {entry.item} × {entry.qty}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <div class="action-row">
        <button
          type="button"
          class="action action-primary action-big"
          data-testid="summary-done"
          onClick={onDone}
        >
          {t("summaryDone")}
        </button>
      </div>
    </section>
  );
}
