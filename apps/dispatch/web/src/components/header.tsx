/** The console's header: the fleet at a glance, the live link, the operator, the clock and the switches. */
import { clockTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import type { LinkState } from "../live.ts";
import type { Theme } from "../theme.ts";

export interface HeaderProps {
  fleet: string | null;
  carCount: number;
  available: number;
  link: LinkState;
  operator: string;
  now: number;
  theme: Theme;
  onLanguage: () => void;
  onTheme: () => void;
  onLogout: () => void;
}

export function Header(props: HeaderProps) {
  const { t, lang } = useLang();
  return (
    <header class="header">
      <h1>
        {t("appTitle")}
        {props.fleet !== null && ` · ${props.fleet}`}
      </h1>
      <span class="muted" data-testid="fleet-count">
        {t("fleetCount", { n: props.carCount, available: props.available })}
      </span>
      <span
        class={`chip ${props.link === "open" ? "chip-ok" : "chip-warn"}`}
        data-testid="live-link"
        data-state={props.link}
      >
        {props.link === "open" ? t("connected") : t("linkLost")}
      </span>
      <div class="header-tools">
        <span data-testid="operator">{t("operator", { name: props.operator })}</span>
        <time class="clock" data-testid="clock">
          {clockTime(props.now, lang, true)}
        </time>
        <button type="button" onClick={props.onLanguage} aria-label={t("switchLanguageLabel")}>
          {t("switchLanguage")}
        </button>
        <button type="button" onClick={props.onTheme} data-testid="theme-button">
          {props.theme === "night" ? t("themeDay") : t("themeNight")}
        </button>
        <button type="button" onClick={props.onLogout} data-testid="logout">
          {t("logout")}
        </button>
      </div>
    </header>
  );
}
