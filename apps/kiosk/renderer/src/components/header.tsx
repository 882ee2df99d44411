/**
 * The header, always visible (issue 6): radio status, GNSS, the dispatch link, equipment readiness
 * and the clock — the four things a doctor checks at a glance, plus the language and theme buttons.
 */
import { clockTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import { useKiosk, useNow } from "../kiosk-context.ts";
import type { ThemeChoice } from "../theme.ts";
import { DeliveryBadge } from "./delivery.tsx";

interface HeaderProps {
  themeChoice: ThemeChoice;
  onLanguage: () => void;
  onTheme: () => void;
}

export function Header({ themeChoice, onLanguage, onTheme }: HeaderProps) {
  const { state } = useKiosk();
  const { t, lang } = useLang();
  const now = useNow();
  const current = state.status;
  const currentLabel = state.statusOptions.find((option) => option.key === current?.key)?.label;
  const themeLabel = { auto: t("themeAuto"), day: t("themeDay"), night: t("themeNight") }[themeChoice];
  return (
    <header class="header">
      <div class="header-chips">
        <div class="chip chip-status" data-testid="header-status">
          {current === null ? (
            t("statusNone")
          ) : (
            <>
              <span class="status-code">{current.code}</span>
              <span>{currentLabel ? currentLabel[lang] : current.key}</span>
              <DeliveryBadge delivery={current.delivery} />
            </>
          )}
        </div>
        <Gnss now={now} />
        <Dispatch />
        <Equipment />
      </div>
      <div class="header-tools">
        <time class="clock" title={t("clockLabel")} data-testid="clock">
          {clockTime(now, lang, true)}
        </time>
        <button type="button" class="tool" onClick={onLanguage} aria-label={t("switchLanguageLabel")}>
          {t("switchLanguage")}
        </button>
        <button type="button" class="tool" onClick={onTheme} data-testid="theme-button">
          {themeLabel}
        </button>
      </div>
    </header>
  );
}

function Gnss({ now }: { now: number }) {
  const { state } = useKiosk();
  const { t, pick } = useLang();
  const { gnss } = state;
  if (gnss.state === "fix" && gnss.fix !== null)
    return (
      <div class="chip chip-ok" data-testid="header-gnss" data-state="fix">
        {t("gnssFix", { quality: gnss.fix.quality.toUpperCase(), sats: gnss.fix.sats ?? "?" })}
      </div>
    );
  const text =
    gnss.lastFixAt === null
      ? `${t("gnssNever")} · ${pick(gnss.summary)}`
      : t("gnssNoFixFor", { n: Math.max(0, Math.floor((now - gnss.lastFixAt) / 1000)) });
  return (
    <div class="chip chip-warn" data-testid="header-gnss" data-state={gnss.state}>
      {text}
    </div>
  );
}

function Dispatch() {
  const { state } = useKiosk();
  const { t, lang } = useLang();
  const { dispatch } = state;
  const pending = dispatch.pending > 0 ? ` · ${t("pendingMessages", { n: dispatch.pending })}` : "";
  if (dispatch.state === "connected")
    return (
      <div class="chip chip-ok" data-testid="header-dispatch" data-state="connected">
        {t("dispatchConnected")}
        {pending}
      </div>
    );
  const text =
    dispatch.state === "connecting"
      ? t("dispatchConnecting")
      : t("dispatchOfflineSince", { time: clockTime(dispatch.since, lang) });
  return (
    <div class="chip chip-alarm" data-testid="header-dispatch" data-state={dispatch.state}>
      {text}
      {pending}
    </div>
  );
}

function Equipment() {
  const { state } = useKiosk();
  const { t } = useLang();
  const equipment = state.equipment;
  if (equipment === null)
    return (
      <div class="chip" data-testid="header-equipment" data-state="off">
        {t("equipmentOff")}
      </div>
    );
  const [text, tone] =
    equipment.readiness === "ready"
      ? [t("equipmentReady"), "chip-ok"]
      : equipment.readiness === "degraded"
        ? [t("equipmentDegraded"), "chip-warn"]
        : [t("equipmentNotReady"), "chip-alarm"];
  return (
    <div class={`chip ${tone}`} data-testid="header-equipment" data-state={equipment.readiness}>
      {text}
    </div>
  );
}
