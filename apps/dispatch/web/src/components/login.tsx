/**
 * Operator login. The password goes to the dispatch service only (which keeps scrypt hashes); the
 * console keeps the session token in this tab's sessionStorage, never in localStorage, so that
 * closing the tab on a shared desk ends the session.
 */
import { useState } from "preact/hooks";
import { useLang } from "../i18n/i18n.ts";

export interface LoginProps {
  onLogin: (username: string, password: string) => Promise<{ ok: true } | { ok: false; error: string }>;
  onLanguage: () => void;
}

export function Login({ onLogin, onLanguage }: LoginProps) {
  const { t } = useLang();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="login"
      data-testid="login-form"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        void onLogin(username.trim(), password).then((outcome) => {
          setBusy(false);
          if (!outcome.ok) {
            setError(outcome.error);
            setPassword("");
          }
        });
      }}
    >
      <div class="login-tools">
        <button type="button" onClick={onLanguage} aria-label={t("switchLanguageLabel")}>
          {t("switchLanguage")}
        </button>
      </div>
      <h1>{t("loginTitle")}</h1>
      <label>
        {t("loginUser")}
        <input
          name="username"
          autoComplete="username"
          required
          value={username}
          data-testid="login-user"
          onInput={(event) => setUsername(event.currentTarget.value)}
        />
      </label>
      <label>
        {t("loginPassword")}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          data-testid="login-password"
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
      </label>
      <button type="submit" class="primary" disabled={busy} data-testid="login-submit">
        {busy ? t("loginBusy") : t("loginSubmit")}
      </button>
      {error !== null && (
        <p class="error-note" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
    </form>
  );
}
