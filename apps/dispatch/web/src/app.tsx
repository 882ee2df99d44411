/**
 * The console's outer shell: language and theme (remembered on this desk), the operator's session
 * (the service's cookie; `GET /api/session` tells whether it is still valid), and the login screen.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { storedChoice } from "../../../web-build/stored-choice.ts";
import { AlarmSound } from "./alarm-sound.ts";
import { api, type Operator } from "./api.ts";
import { Login } from "./components/login.tsx";
import { Console } from "./console.tsx";
import { failureText } from "./failure-text.ts";
import { type Lang, LangContext, langContextValue, langs } from "./i18n/i18n.ts";
import { type Theme, themes } from "./theme.ts";

/** One per page: the browser lets it ring only after a user gesture (the login click is one). */
const sound = new AlarmSound();

export function App() {
  const [lang, setLang] = useState<Lang>(() => storedChoice("sosm.dispatch.lang", langs) ?? "fr");
  const [theme, setTheme] = useState<Theme>(() => storedChoice("sosm.dispatch.theme", themes) ?? "night");
  const [operator, setOperator] = useState<Operator | null | "checking">("checking");
  const langValue = useMemo(() => langContextValue(lang), [lang]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.documentElement.dataset.theme = theme;
    document.title = langValue.t("appTitle");
  }, [lang, theme, langValue]);
  useEffect(() => {
    void api.session().then((result) => setOperator(result.ok ? result.value.operator : null));
    // Any gesture on the page unlocks the sound: a console reloaded with a live session has no login click.
    const unlock = () => sound.unlock();
    window.addEventListener("pointerdown", unlock);
    window.addEventListener("keydown", unlock);
    return () => {
      window.removeEventListener("pointerdown", unlock);
      window.removeEventListener("keydown", unlock);
    };
  }, []);

  const toggleLang = () => {
    const next = lang === "fr" ? "en" : "fr";
    localStorage.setItem("sosm.dispatch.lang", next);
    setLang(next);
  };
  const toggleTheme = () => {
    const next = theme === "night" ? "day" : "night";
    localStorage.setItem("sosm.dispatch.theme", next);
    setTheme(next);
  };

  return (
    <LangContext.Provider value={langValue}>
      {operator === "checking" ? (
        <p class="waiting">{langValue.t("loading")}</p>
      ) : operator === null ? (
        <Login
          onLanguage={toggleLang}
          onLogin={async (username, password) => {
            sound.unlock();
            const result = await api.login(username, password);
            if (result.ok) {
              setOperator(result.value.operator);
              return { ok: true };
            }
            return {
              ok: false,
              error:
                result.code === "unauthorized"
                  ? langValue.t("loginFailed")
                  : failureText(result, langValue.t),
            };
          }}
        />
      ) : (
        <Console
          operator={operator}
          sound={sound}
          theme={theme}
          onLanguage={toggleLang}
          onTheme={toggleTheme}
          onSignedOut={() => setOperator(null)}
        />
      )}
    </LangContext.Provider>
  );
}
