/**
 * The lock screen (issue 10). The core decides when the screen is locked and sends no patient data
 * meanwhile, so this screen can only show what it gets: the clock, the doctor, the header, alarms,
 * and a new mission's priority. The panic button stays on top of it (app.tsx).
 */
import { useState } from "preact/hooks";
import { clockTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import { useCommand, useKiosk, useNow } from "../kiosk-context.ts";
import { PinPad } from "./pin-pad.tsx";
import { PinErrorNote } from "./shift-common.tsx";

export function MissionAlert() {
  const { state } = useKiosk();
  const { t } = useLang();
  const alert = state.shift?.missionAlert ?? null;
  if (alert === null) return null;
  return (
    <div
      class={`banner banner-alarm lock-alert priority-${alert.priority}`}
      role="alert"
      data-testid="lock-mission-alert"
    >
      {t("newMissionLocked", { priority: alert.priority })}
    </div>
  );
}

export function LockScreen() {
  const { state } = useKiosk();
  const { t, lang } = useLang();
  const now = useNow();
  const command = useCommand();
  const [pin, setPin] = useState("");
  const unlock = async () => {
    await command.run({ type: "shift.unlock", pin });
    setPin("");
  };
  return (
    <section class="panel shift-screen lock-screen" data-testid="lock-screen">
      <div class="lock-head">
        <time class="lock-clock" data-testid="lock-clock">
          {clockTime(now, lang)}
        </time>
        <div>
          <h2 class="screen-title">{t("lockedTitle")}</h2>
          <p class="lock-doctor" data-testid="lock-doctor">
            {state.shift?.doctor?.name}
          </p>
        </div>
      </div>
      <MissionAlert />
      <PinPad label={t("pin")} value={pin} onChange={setPin} maxLength={8} big />
      <div class="action-row">
        <button
          type="button"
          class="action action-primary action-big"
          data-testid="unlock-submit"
          disabled={pin.length < 4 || command.busy}
          onClick={() => void unlock()}
        >
          {t("unlock")}
        </button>
      </div>
      <PinErrorNote error={command.error} />
    </section>
  );
}
