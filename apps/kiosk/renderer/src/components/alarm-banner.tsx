/**
 * Raised alarms (with "received by dispatch" and the cancel, behind the PIN when one is configured)
 * and the lone-worker timer: the countdown prompt covers the screen, since an unanswered one calls
 * for help on the doctor's behalf.
 */
import { useState } from "preact/hooks";
import { clockTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import { useCommand, useKiosk, useNow } from "../kiosk-context.ts";
import { DeliveryBadge, ErrorNote } from "./delivery.tsx";
import { PinPad } from "./pin-pad.tsx";

export function AlarmBanner() {
  const { state } = useKiosk();
  const { t, pick } = useLang();
  const command = useCommand();
  const [cancelling, setCancelling] = useState<string | null>(null);
  const [pin, setPin] = useState("");
  const alarms = state.alarms?.alarms.filter((alarm) => alarm.phase !== "cancelled") ?? [];
  if (alarms.length === 0) return null;
  const needsPin = state.alarms?.cancelNeedsPin ?? false;
  const cancel = async (alarmId: string) => {
    const outcome = await command.run({ type: "alarm.cancel", alarmId, ...(needsPin ? { pin } : {}) });
    if (outcome.ok) {
      setCancelling(null);
      setPin("");
    }
  };
  return (
    <div class="banner banner-alarm alarm-banner" role="alert" data-testid="alarm-banner">
      {alarms.map((alarm) => (
        <div class="alarm-line" key={alarm.alarmId} data-testid="alarm" data-phase={alarm.phase}>
          <p>
            <strong>{pick(alarm.label)}</strong>{" "}
            {/* Once acknowledged, the label itself says "reçue par la régulation". */}
            {alarm.phase !== "acknowledged" && (
              <DeliveryBadge delivery={alarm.delivery} testId="alarm-delivery" />
            )}
          </p>
          {cancelling === alarm.alarmId ? (
            <div class="alarm-cancel">
              {needsPin && <PinPad label={t("alarmPin")} value={pin} onChange={setPin} />}
              <div class="action-row">
                <button type="button" class="action" onClick={() => setCancelling(null)}>
                  {t("cancel")}
                </button>
                <button
                  type="button"
                  class="action action-primary"
                  data-testid="alarm-cancel-confirm"
                  disabled={command.busy || (needsPin && pin.length < 4)}
                  onClick={() => void cancel(alarm.alarmId)}
                >
                  {t("confirm")}
                </button>
              </div>
              <ErrorNote error={command.error} />
            </div>
          ) : (
            <button
              type="button"
              class="action"
              data-testid="alarm-cancel"
              onClick={() => {
                command.clear();
                setCancelling(alarm.alarmId);
              }}
            >
              {t("alarmCancel")}
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

export function LoneWorkerPrompt() {
  const { state } = useKiosk();
  const { t } = useLang();
  const command = useCommand();
  const now = useNow(250);
  const lone = state.alarms?.loneWorker;
  if (lone?.phase !== "pre_alarm") return null;
  const left = Math.max(0, Math.ceil(((lone.countdownEndsAt ?? now) - now) / 1000));
  return (
    <div class="modal-backdrop">
      <div
        class="modal"
        role="alertdialog"
        aria-labelledby="lone-title"
        aria-describedby="lone-count"
        data-testid="lone-worker-prompt"
      >
        <h2 id="lone-title">{t("loneWorkerTitle")}</h2>
        <p id="lone-count" class="countdown">
          {t("loneWorkerCountdown", { n: left })}
        </p>
        <div class="action-row">
          <button
            type="button"
            class="action"
            onClick={() => void command.run({ type: "loneWorker.extend" })}
          >
            {t("loneWorkerExtend")}
          </button>
          <button
            type="button"
            class="action action-primary"
            data-testid="lone-worker-ok"
            onClick={() => void command.run({ type: "loneWorker.answer" })}
          >
            {t("loneWorkerOk")}
          </button>
        </div>
        <ErrorNote error={command.error} />
      </div>
    </div>
  );
}

export function LoneWorkerLine() {
  const { state } = useKiosk();
  const { t, lang } = useLang();
  const command = useCommand();
  const lone = state.alarms?.loneWorker;
  if (lone?.phase !== "running" || lone.dueAt === null) return null;
  return (
    <div class="lone-worker-line" data-testid="lone-worker-line">
      <span>{t("loneWorkerRunning", { time: clockTime(lone.dueAt, lang) })}</span>
      <button type="button" class="action" onClick={() => void command.run({ type: "loneWorker.extend" })}>
        {t("loneWorkerExtend")}
      </button>
    </div>
  );
}
