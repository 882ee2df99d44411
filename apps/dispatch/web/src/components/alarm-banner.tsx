/**
 * Alarms from the fleet (panic, lone worker, equipment) across the top of every screen, loud until an
 * operator acknowledges them: a banner per alarm, a beep that repeats (alarm-sound.ts), and one
 * button. Acknowledging is what makes dispatch send `ack {ref}` to the car, whose screen then shows
 * "reçue par la régulation" — so the doctor knows a human has seen it, not just a broker.
 */
import { useState } from "preact/hooks";
import type { AlarmRow } from "../api.ts";
import { ageText, clockTime, parseTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";

export interface AlarmBannerProps {
  alarms: readonly AlarmRow[];
  now: number;
  onAcknowledge: (alarm: AlarmRow) => Promise<string | null>;
  onShow: (vehicle: string) => void;
}

export function AlarmBanner({ alarms, now, onAcknowledge, onShow }: AlarmBannerProps) {
  if (alarms.length === 0) return null;
  return (
    <section class="alarms" data-testid="alarm-banner" aria-live="assertive">
      {alarms.map((alarm) => (
        <AlarmLine
          key={alarm.alarmId}
          alarm={alarm}
          now={now}
          onAcknowledge={onAcknowledge}
          onShow={onShow}
        />
      ))}
    </section>
  );
}

function AlarmLine({
  alarm,
  now,
  onAcknowledge,
  onShow,
}: {
  alarm: AlarmRow;
  now: number;
  onAcknowledge: AlarmBannerProps["onAcknowledge"];
  onShow: AlarmBannerProps["onShow"];
}) {
  const { t, lang } = useLang();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const raisedAt = parseTime(alarm.raisedAt);
  const acknowledged = alarm.state === "acknowledged";
  const kind = t(
    alarm.kind === "panic"
      ? "alarmPanic"
      : alarm.kind === "lone_worker"
        ? "alarmLoneWorker"
        : "alarmEquipment",
  );
  return (
    <div
      class={`alarm-line${acknowledged ? " acknowledged" : ""}`}
      role={acknowledged ? "status" : "alert"}
      data-testid="alarm"
      data-vehicle={alarm.vehicle}
      data-alarm-id={alarm.alarmId}
      data-state={acknowledged ? "acknowledged" : "raised"}
    >
      <p>
        <strong>{kind}</strong> · {alarm.vehicle}
        {raisedAt !== null && ` · ${clockTime(raisedAt, lang, true)} (${ageText(raisedAt, now, lang)})`}
        {alarm.lat !== undefined &&
          alarm.lon !== undefined &&
          ` · ${alarm.lat.toFixed(5)}, ${alarm.lon.toFixed(5)}`}
        {alarm.note !== undefined && ` · ${alarm.note}`}
        {alarm.repeats > 1 && ` · ${t("alarmRepeats", { n: alarm.repeats })}`}
        {acknowledged &&
          ` · ${t("alarmAcknowledgedBy", { who: alarm.acknowledgedByName ?? alarm.acknowledgedBy ?? "?" })}`}
      </p>
      <div class="action-row">
        <button type="button" onClick={() => onShow(alarm.vehicle)}>
          {t("alarmShow")}
        </button>
        {!acknowledged && (
          <button
            type="button"
            class="danger"
            data-testid="alarm-ack"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              setError(null);
              void onAcknowledge(alarm).then((problem) => {
                setBusy(false);
                setError(problem);
              });
            }}
          >
            {t("alarmAcknowledge")}
          </button>
        )}
      </div>
      {error !== null && <p class="error-note">{error}</p>}
    </div>
  );
}
