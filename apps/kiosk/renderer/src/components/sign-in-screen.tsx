/**
 * Sign-in at the start of a shift (issue 10): the doctor taps their name on the association's
 * roster (or types an RPPS number), then the PIN on big keys. The core checks the PIN (scrypt,
 * 5 tries then 15 min locked out): a refusal says how many tries are left, or until when.
 */
import { useState } from "preact/hooks";
import { formatRpps } from "../../../../../src/domain/shifts/rpps.ts";
import { useLang } from "../i18n/i18n.ts";
import { useCommand, useKiosk } from "../kiosk-context.ts";
import { PinPad } from "./pin-pad.tsx";
import { PinErrorNote } from "./shift-common.tsx";

const otherDoctor = "other";

export function SignInScreen() {
  const { state } = useKiosk();
  const { t } = useLang();
  const command = useCommand();
  const shift = state.shift;
  const [chosen, setChosen] = useState<string | null>(null);
  const [typedRpps, setTypedRpps] = useState("");
  const [name, setName] = useState("");
  const [pin, setPin] = useState("");
  if (shift === null) return null;
  const rpps = chosen === otherDoctor ? typedRpps.replace(/\s/g, "") : (chosen ?? "");
  const unknown = chosen === otherDoctor && !shift.roster.some((doctor) => doctor.rpps === rpps);
  const ready =
    /^\d{11}$/.test(rpps) && pin.length >= 4 && (!unknown || !shift.allowUnknown || name.trim() !== "");
  const signIn = async () => {
    const outcome = await command.run({
      type: "shift.signIn",
      rpps,
      pin,
      ...(unknown && shift.allowUnknown && name.trim() !== "" ? { name: name.trim() } : {}),
    });
    setPin("");
    if (outcome.ok) setChosen(null);
  };
  return (
    <section class="panel shift-screen" data-testid="sign-in">
      <h2 class="screen-title">{t("signInTitle")}</h2>
      <p>{t("signInIntro")}</p>
      <div class="roster-grid">
        {shift.roster.map((doctor) => (
          <button
            type="button"
            key={doctor.rpps}
            class={`choice roster-button${chosen === doctor.rpps ? " selected" : ""}`}
            aria-pressed={chosen === doctor.rpps}
            data-testid={`doctor-${doctor.rpps}`}
            onClick={() => {
              setChosen(doctor.rpps);
              command.clear();
            }}
          >
            <strong>{doctor.name}</strong>
            <span class="muted">
              RPPS {formatRpps(doctor.rpps)}
              {doctor.hasPin ? "" : ` · ${t("noPinYet")}`}
            </span>
          </button>
        ))}
        <button
          type="button"
          class={`choice roster-button${chosen === otherDoctor ? " selected" : ""}`}
          aria-pressed={chosen === otherDoctor}
          data-testid="doctor-other"
          onClick={() => setChosen(otherDoctor)}
        >
          <strong>{t("otherRpps")}</strong>
        </button>
      </div>
      {chosen === otherDoctor && (
        <>
          <label class="field-label" for="rpps-input">
            {t("rppsLabel")}
          </label>
          <input
            id="rpps-input"
            class="text-input"
            inputMode="numeric"
            autocomplete="off"
            maxLength={15}
            value={typedRpps}
            data-testid="rpps-input"
            onInput={(event) => setTypedRpps(event.currentTarget.value.replace(/[^\d ]/g, ""))}
          />
          {unknown && shift.allowUnknown && (
            <>
              <label class="field-label" for="doctor-name">
                {t("doctorNameLabel")}
              </label>
              <input
                id="doctor-name"
                class="text-input"
                autocomplete="off"
                maxLength={80}
                value={name}
                onInput={(event) => setName(event.currentTarget.value)}
              />
            </>
          )}
        </>
      )}
      {chosen !== null && (
        <div class="shift-pin">
          <PinPad label={t("pin")} value={pin} onChange={setPin} maxLength={8} big />
          <div class="action-row">
            <button
              type="button"
              class="action action-primary action-big"
              data-testid="sign-in-submit"
              disabled={!ready || command.busy}
              onClick={() => void signIn()}
            >
              {t("signIn")}
            </button>
          </div>
        </div>
      )}
      <PinErrorNote error={command.error} />
    </section>
  );
}
