/**
 * The mission card (issue 6): what, where, who, how to get in and whom to call back, with the
 * distance and bearing from the car; accept or decline with a reason. A new mission is marked
 * `displayed` once it is on screen (PROTOCOL.md: the car sends `displayed` when the doctor has seen it).
 */
import { useEffect, useState } from "preact/hooks";
import type { UiMission } from "../../../../../src/contracts/ui-api.ts";
import { cardinal, distanceText, fromCarTo } from "../format.ts";
import type { DictionaryKey } from "../i18n/fr.ts";
import { useLang } from "../i18n/i18n.ts";
import { useCommand, useKiosk } from "../kiosk-context.ts";
import { DeliveryBadge, ErrorNote } from "./delivery.tsx";

const stateKeys: Record<string, DictionaryKey> = {
  assigned: "stateAssigned",
  received: "stateReceived",
  displayed: "stateDisplayed",
  accepted: "stateAccepted",
  declined: "stateDeclined",
  en_route: "stateEnRoute",
  on_scene: "stateOnScene",
  with_patient: "stateWithPatient",
  visit_done: "stateVisitDone",
  reported: "stateReported",
  closed: "stateClosed",
  cancelled: "stateCancelled",
};

const sexKeys: Record<string, DictionaryKey> = { M: "sexM", F: "sexF", O: "sexO", U: "sexU" };

export function missionStateText(state: string, t: (key: DictionaryKey) => string): string {
  const key = stateKeys[state];
  return key === undefined ? state : t(key);
}

export function MissionCard({ mission, answerable }: { mission: UiMission; answerable: boolean }) {
  const { state, send } = useKiosk();
  const { t, lang } = useLang();
  const fix = state.gnss.fix;
  const route = fromCarTo(fix === null ? null : { lat: fix.lat, lon: fix.lon }, mission.address);
  useEffect(() => {
    if (answerable && (mission.state === "received" || mission.state === "assigned"))
      void send({ type: "mission.displayed", missionId: mission.id });
  }, [mission.id, mission.state, answerable, send]);
  const patient = mission.patient;
  const patientText = [
    patient?.name,
    patient?.age === undefined ? undefined : t("years", { n: patient.age }),
    patient?.sex === undefined ? undefined : t(sexKeys[patient.sex] ?? "sexU"),
  ]
    .filter((part) => part !== undefined)
    .join(" · ");
  return (
    <article
      class={`mission-card priority-${mission.priority}`}
      data-testid="mission-card"
      data-mission={mission.id}
    >
      <header class="mission-head">
        <span class={`priority priority-badge-${mission.priority}`}>{t(`priority${mission.priority}`)}</span>
        <span class="mission-state" data-testid="mission-state">
          {missionStateText(mission.state, t)}
        </span>
      </header>
      <h2 class="mission-reason">{mission.reason}</h2>
      <dl class="mission-facts">
        <dt>{t("address")}</dt>
        <dd class="mission-address">{mission.address.text}</dd>
        {mission.address.access && (
          <>
            <dt>{t("access")}</dt>
            <dd class="mission-access">{mission.address.access}</dd>
          </>
        )}
        <dt>{t("fromCar")}</dt>
        <dd data-testid="mission-route">
          {route === null
            ? fix === null
              ? t("noCarPosition")
              : t("noMissionPosition")
            : t("distanceBearing", {
                distance: distanceText(route.metres, lang),
                bearing: route.bearingDeg,
                cardinal: cardinal(route.bearingDeg, lang),
              })}
        </dd>
        {patientText !== "" && (
          <>
            <dt>{t("patient")}</dt>
            <dd>{patientText}</dd>
          </>
        )}
        {mission.callback && (
          <>
            <dt>{t("callback")}</dt>
            <dd class="mission-callback">{mission.callback}</dd>
          </>
        )}
        {mission.notes && (
          <>
            <dt>{t("notes")}</dt>
            <dd>{mission.notes}</dd>
          </>
        )}
        {mission.caseId && (
          <>
            <dt>{t("caseId")}</dt>
            <dd>{mission.caseId}</dd>
          </>
        )}
      </dl>
      {answerable && <AnswerButtons mission={mission} />}
      <Timeline mission={mission} />
    </article>
  );
}

function AnswerButtons({ mission }: { mission: UiMission }) {
  const { t } = useLang();
  const command = useCommand();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState("");
  if (declining)
    return (
      <div class="decline-form">
        <p class="field-label" id="decline-reason-label">
          {t("declineReason")}
        </p>
        <div class="choice-row">
          {(["declineBusy", "declineFar", "declineVehicle"] as const).map((key) => (
            <button
              type="button"
              key={key}
              class={`choice${reason === t(key) ? " selected" : ""}`}
              aria-pressed={reason === t(key)}
              onClick={() => setReason(t(key))}
            >
              {t(key)}
            </button>
          ))}
        </div>
        <input
          class="text-input"
          aria-labelledby="decline-reason-label"
          value={reason}
          maxLength={1000}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
        <div class="action-row">
          <button type="button" class="action" onClick={() => setDeclining(false)}>
            {t("cancel")}
          </button>
          <button
            type="button"
            class="action action-danger"
            data-testid="decline-confirm"
            disabled={command.busy}
            onClick={() =>
              void command.run({
                type: "mission.decline",
                missionId: mission.id,
                ...(reason.trim() === "" ? {} : { reason: reason.trim() }),
              })
            }
          >
            {t("declineConfirm")}
          </button>
        </div>
        <ErrorNote error={command.error} />
      </div>
    );
  return (
    <div class="action-row">
      <button
        type="button"
        class="action action-danger"
        onClick={() => setDeclining(true)}
        data-testid="mission-decline"
      >
        {t("decline")}
      </button>
      <button
        type="button"
        class="action action-primary"
        data-testid="mission-accept"
        disabled={command.busy}
        onClick={() => void command.run({ type: "mission.accept", missionId: mission.id })}
      >
        {t("accept")}
      </button>
      <ErrorNote error={command.error} />
    </div>
  );
}

function Timeline({ mission }: { mission: UiMission }) {
  const { t, lang } = useLang();
  const { state } = useKiosk();
  const shown = mission.timeline.filter((entry) => entry.kind !== "lifecycle" || entry.state !== "assigned");
  if (shown.length === 0) return null;
  return (
    <details class="timeline">
      <summary>{t("timeline")}</summary>
      <ol>
        {shown.map((entry) => {
          const label =
            entry.kind === "status"
              ? (state.statusOptions.find((option) => option.key === entry.state)?.label[lang] ?? entry.state)
              : missionStateText(entry.state, t);
          return (
            <li key={`${entry.at}-${entry.kind}-${entry.state}`}>
              <span>{new Date(entry.at).toLocaleTimeString(lang === "fr" ? "fr-FR" : "en-GB")}</span> {label}{" "}
              <DeliveryBadge delivery={entry.delivery} />
            </li>
          );
        })}
      </ol>
    </details>
  );
}
