/**
 * The mission tab: dispatch's cancellations and changes first and loud (issue 6: "shown
 * prominently"), then the mission to answer, the one in progress, or the report to write.
 */
import type { UiMission } from "../../../../../src/contracts/ui-api.ts";
import { clockTime } from "../format.ts";
import type { DictionaryKey } from "../i18n/fr.ts";
import { useLang } from "../i18n/i18n.ts";
import { useKiosk } from "../kiosk-context.ts";
import { LoneWorkerLine } from "./alarm-banner.tsx";
import { MissionCard } from "./mission-card.tsx";
import { ReportForm } from "./report-form.tsx";

const fieldKeys: Record<string, DictionaryKey> = {
  address: "fieldAddress",
  patient: "fieldPatient",
  priority: "fieldPriority",
  reason: "fieldReason",
  callback: "fieldCallback",
  notes: "fieldNotes",
  caseId: "fieldCaseId",
};

interface MissionScreenProps {
  /** Cancellations and updates the doctor has acknowledged (kept by the app across tabs). */
  seen: ReadonlySet<string>;
  onSeen: (key: string) => void;
}

export function cancellationKey(mission: UiMission): string {
  return `cancel:${mission.id}`;
}

export function updateKey(mission: UiMission): string | null {
  const last = mission.updates.at(-1);
  return last === undefined ? null : `update:${mission.id}:${last.at}`;
}

export function MissionScreen({ seen, onSeen }: MissionScreenProps) {
  const { state } = useKiosk();
  const { t, lang } = useLang();
  const { missions } = state;
  const cancelled = missions.ended.filter(
    (mission) => mission.state === "cancelled" && !seen.has(cancellationKey(mission)),
  );
  const open = [...missions.pending, ...(missions.active ? [missions.active] : [])];
  const updated = open.filter((mission) => {
    const key = updateKey(mission);
    return key !== null && !seen.has(key);
  });
  const pending = missions.pending[0];
  const toReport = missions.closing.find(
    (mission) => mission.state === "visit_done" || mission.report !== null,
  );
  return (
    <div class="mission-screen">
      {cancelled.map((mission) => (
        <div class="banner banner-alarm" role="alert" key={mission.id} data-testid="cancel-banner">
          <p>
            <strong>{t("missionCancelled")}</strong> — {mission.reason} · {mission.address.text}
            {mission.cancelReason ? ` — ${mission.cancelReason}` : ""}
          </p>
          <button type="button" class="action" onClick={() => onSeen(cancellationKey(mission))}>
            {t("understood")}
          </button>
        </div>
      ))}
      {updated.map((mission) => {
        const last = mission.updates.at(-1);
        const fields = (last?.fields ?? "")
          .split(",")
          .map((field) => field.trim())
          .filter((field) => field !== "")
          .map((field) => (fieldKeys[field] ? t(fieldKeys[field]) : field));
        return (
          <div class="banner banner-warn" role="alert" key={`u-${mission.id}`} data-testid="update-banner">
            <p>
              <strong>{t("missionUpdated")}</strong> ({last ? clockTime(last.at, lang) : ""}) :{" "}
              {fields.join(", ")}
            </p>
            <button type="button" class="action" onClick={() => onSeen(updateKey(mission) ?? "")}>
              {t("seen")}
            </button>
          </div>
        );
      })}
      <LoneWorkerLine />
      {pending !== undefined ? (
        <>
          <p class="screen-title">{t("newMission")}</p>
          <MissionCard mission={pending} answerable={true} />
        </>
      ) : missions.active !== null ? (
        <MissionCard mission={missions.active} answerable={false} />
      ) : toReport !== undefined ? (
        <ReportForm mission={toReport} key={toReport.id} />
      ) : (
        <p class="empty" data-testid="no-mission">
          {t("noMission")}
        </p>
      )}
    </div>
  );
}
