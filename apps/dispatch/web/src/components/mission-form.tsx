/**
 * Mission creation and assignment: what the call taker knows (address as text, with coordinates when
 * the address was located, priority, reason, patient, callback number), and the car to send. The
 * service gives the mission its id and sends `mission.assign`; the board then follows the car's
 * acknowledgements (received, displayed, accepted) live.
 */
import { useState } from "preact/hooks";
import type { CarRow, MissionCreate } from "../api.ts";
import { useLang } from "../i18n/i18n.ts";

const priorities = ["P0", "P1", "P2", "P3"] as const;
type Priority = (typeof priorities)[number];
const sexes = ["", "F", "M", "O", "U"] as const;

export interface MissionFormProps {
  cars: readonly CarRow[];
  vehicle: string | null;
  onSubmit: (
    mission: MissionCreate,
  ) => Promise<{ ok: true; missionId: string } | { ok: false; error: string }>;
}

function number(text: string): number | undefined {
  const value = Number(text.trim().replace(",", "."));
  return text.trim() === "" || Number.isNaN(value) ? undefined : value;
}

export function MissionForm({ cars, vehicle, onSubmit }: MissionFormProps) {
  const { t } = useLang();
  const [target, setTarget] = useState<string>(vehicle ?? "");
  const [priority, setPriority] = useState<Priority>("P1");
  const [fields, setFields] = useState({
    reason: "",
    address: "",
    lat: "",
    lon: "",
    access: "",
    name: "",
    age: "",
    sex: "" as (typeof sexes)[number],
    callback: "",
    notes: "",
  });
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const car = target !== "" ? target : (vehicle ?? "");
  const set = (name: keyof typeof fields) => (event: { currentTarget: { value: string } }) =>
    setFields({ ...fields, [name]: event.currentTarget.value });

  const submit = async () => {
    const lat = number(fields.lat);
    const lon = number(fields.lon);
    if ((lat === undefined) !== (lon === undefined)) {
      setOutcome({ ok: false, text: t("missionLatLonTogether") });
      return;
    }
    const age = number(fields.age);
    const patient = {
      ...(fields.name.trim() ? { name: fields.name.trim() } : {}),
      ...(age !== undefined ? { age: Math.round(age) } : {}),
      ...(fields.sex !== "" ? { sex: fields.sex } : {}),
    };
    const mission: MissionCreate = {
      ...(car !== "" ? { vehicle: car } : {}),
      priority,
      reason: fields.reason.trim(),
      address: {
        text: fields.address.trim(),
        ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}),
        ...(fields.access.trim() ? { access: fields.access.trim() } : {}),
      },
      ...(Object.keys(patient).length > 0 ? { patient } : {}),
      ...(fields.callback.trim() ? { callback: fields.callback.trim() } : {}),
      ...(fields.notes.trim() ? { notes: fields.notes.trim() } : {}),
    };
    setBusy(true);
    setOutcome(null);
    const result = await onSubmit(mission);
    setBusy(false);
    if (result.ok) {
      setOutcome({
        ok: true,
        text:
          car === ""
            ? t("missionCreated", { id: result.missionId })
            : t("missionSent", { id: result.missionId, vehicle: car }),
      });
      setFields({
        ...fields,
        reason: "",
        address: "",
        lat: "",
        lon: "",
        access: "",
        name: "",
        age: "",
        sex: "",
        callback: "",
        notes: "",
      });
    } else setOutcome({ ok: false, text: result.error });
  };

  return (
    <form
      class="form panel"
      data-testid="mission-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2>{t("missionNew")}</h2>
      <fieldset class="priority-group" aria-label={t("missionPriority")}>
        {priorities.map((p) => (
          <button
            type="button"
            key={p}
            aria-pressed={priority === p}
            data-testid={`priority-${p}`}
            onClick={() => setPriority(p)}
          >
            {t(`priority${p}`)}
          </button>
        ))}
      </fieldset>
      <label>
        {t("missionReason")}
        <input required value={fields.reason} onInput={set("reason")} data-testid="mission-reason" />
      </label>
      <label>
        {t("missionAddress")}
        <input required value={fields.address} onInput={set("address")} data-testid="mission-address" />
      </label>
      <div class="form-row">
        <label>
          {t("missionLat")}
          <input inputMode="decimal" value={fields.lat} onInput={set("lat")} data-testid="mission-lat" />
        </label>
        <label>
          {t("missionLon")}
          <input inputMode="decimal" value={fields.lon} onInput={set("lon")} data-testid="mission-lon" />
        </label>
        <label>
          {t("missionAccess")}
          <input value={fields.access} onInput={set("access")} data-testid="mission-access" />
        </label>
      </div>
      <div class="form-row">
        <label>
          {t("patientName")}
          <input value={fields.name} onInput={set("name")} data-testid="patient-name" />
        </label>
        <label>
          {t("patientAge")}
          <input inputMode="numeric" value={fields.age} onInput={set("age")} data-testid="patient-age" />
        </label>
        <label>
          {t("patientSex")}
          <select value={fields.sex} onChange={set("sex")} data-testid="patient-sex">
            {sexes.map((s) => (
              <option key={s} value={s}>
                {s === "" ? "—" : t(`sex${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t("missionCallback")}
        <input type="tel" value={fields.callback} onInput={set("callback")} data-testid="mission-callback" />
      </label>
      <label>
        {t("missionNotes")}
        <textarea value={fields.notes} onInput={set("notes")} data-testid="mission-notes" />
      </label>
      <label>
        {t("missionCar")}
        <select
          value={car}
          onChange={(event) => setTarget(event.currentTarget.value)}
          data-testid="mission-car"
        >
          <option value="">{t("missionNoCar")}</option>
          {cars.map((c) => (
            <option key={c.vehicle} value={c.vehicle}>
              {c.vehicle}
              {c.status ? ` · ${c.status.code}` : ""}
              {c.readiness && !c.readiness.ready ? ` · ${t("notReady")}` : ""}
            </option>
          ))}
        </select>
      </label>
      <div class="action-row">
        <button type="submit" class="primary" disabled={busy} data-testid="mission-submit">
          {car === "" ? t("missionCreateOnly") : t("missionSubmit")}
        </button>
      </div>
      {outcome !== null && (
        <p
          class={outcome.ok ? "ok-note" : "error-note"}
          role={outcome.ok ? "status" : "alert"}
          data-testid="mission-outcome"
        >
          {outcome.text}
        </p>
      )}
    </form>
  );
}
