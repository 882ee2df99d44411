/**
 * Why an item is not ok, as data (a `ReadinessReason`) and as the sentence a doctor reads, in French
 * and English (issue 5: "reasons a doctor understands"). The rules produce `Finding`s (a reason and
 * the state it implies); only this file turns them into words, so that the wording is tested once
 * and the `equipment` message, the kiosk and dispatch all say the same thing.
 *
 * Each text starts with the item's subject ("Oxygène : …"). The French texts follow French
 * typography: a space before the colon, a decimal comma, dates as DD/MM/YYYY.
 */

/** The wire states of an item (PROTOCOL.md A, `equipment` body). */
export type ItemState = "ok" | "warning" | "fault" | "unknown";
export type Lang = "fr" | "en";
export interface LocalizedText {
  readonly fr: string;
  readonly en: string;
}

export type ReadinessReason =
  | { readonly code: "no_data" }
  | { readonly code: "stale"; readonly ageMs: number }
  | { readonly code: "link_lost" }
  | {
      readonly code: "oxygen_autonomy";
      readonly minutes: number;
      readonly flowLpm: number;
      readonly reserveBar: number;
    }
  | { readonly code: "oxygen_below_reserve"; readonly pressureBar: number; readonly reserveBar: number }
  | { readonly code: "ecg_selftest_failed" }
  | { readonly code: "ecg_selftest_unknown" }
  | { readonly code: "ecg_battery_low"; readonly pct: number; readonly charging: boolean }
  | { readonly code: "ecg_undocked_driving" }
  | { readonly code: "bavu_absent" }
  | {
      readonly code: "temperature_excursion";
      readonly durationMs: number;
      readonly minC: number;
      readonly maxC: number;
      /** The current temperature while the excursion lasts; absent once it is over. */
      readonly celsius?: number;
    }
  | {
      readonly code: "temperature_cumulative";
      readonly durationMs: number;
      readonly minC: number;
      readonly maxC: number;
    }
  | { readonly code: "expires_soon"; readonly expiresOn: string; readonly daysLeft: number }
  | { readonly code: "expired"; readonly expiresOn: string }
  | { readonly code: "supply_low"; readonly supplyMv: number }
  | { readonly code: "check_overdue"; readonly check: LocalizedText; readonly ageMs: number | null }
  | { readonly code: "check_failed"; readonly check: LocalizedText };

export type ReasonCode = ReadinessReason["code"];

/** One reason and the state it puts its item in. */
export interface Finding {
  readonly state: Exclude<ItemState, "ok">;
  readonly reason: ReadinessReason;
}

/** ok < unknown < warning < fault: a known problem outranks missing data (see docs/equipment-readiness.md). */
const rank: Record<ItemState, number> = { ok: 0, unknown: 1, warning: 2, fault: 3 };

export function worstState(states: Iterable<ItemState>): ItemState {
  let worst: ItemState = "ok";
  for (const state of states) if (rank[state] > rank[worst]) worst = state;
  return worst;
}

/** The subject of each kind's sentences when the profile has one item of that kind. */
export const kindSubjects: Readonly<Record<string, LocalizedText>> = {
  oxygen: { fr: "Oxygène", en: "Oxygen" },
  ecg: { fr: "ECG", en: "ECG" },
  bavu: { fr: "BAVU", en: "Bag valve mask" },
  drug_storage: { fr: "Compartiment médicaments", en: "Drug compartment" },
  infusion_kit: { fr: "Kit de perfusion", en: "Infusion kit" },
  drug_kit: { fr: "Trousse médicaments", en: "Drug kit" },
  vehicle_power: { fr: "Batterie du véhicule", en: "Vehicle battery" },
};

function num(value: number, lang: Lang, digits = 0): string {
  const text = Number.isInteger(value) && digits === 0 ? String(value) : value.toFixed(digits);
  return lang === "fr" ? text.replace(".", ",") : text;
}

/** A flow such as 15 or 2.5 L/min, without a useless ",0". */
function flow(lpm: number, lang: Lang): string {
  return num(lpm, lang, Number.isInteger(lpm) ? 0 : 1);
}

/** "45 s", "12 min", "2 h 10" (fr) / "2 h 10 min" (en), "9 j" / "9 d". Rounded down: never overstate. */
export function duration(ms: number, lang: Lang): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = String(minutes % 60).padStart(2, "0");
    return lang === "fr" ? `${hours} h ${rest}` : `${hours} h ${rest} min`;
  }
  const days = Math.floor(hours / 24);
  return lang === "fr" ? `${days} j` : `${days} d`;
}

function date(iso: string, lang: Lang): string {
  if (lang === "en") return iso;
  const [y, m, d] = iso.split("-");
  return `${d}/${m}/${y}`;
}

const range = (minC: number, maxC: number, lang: Lang) => `${num(minC, lang)}–${num(maxC, lang)} °C`;

/** The wire caps each reason at 200 characters (contracts `textLimits.label`); a long check name is cut. */
const maxReasonLength = 200;

function body(reason: ReadinessReason, lang: Lang): string {
  const fr = lang === "fr";
  switch (reason.code) {
    case "no_data":
      return fr ? "aucune donnée reçue" : "no data received";
    case "stale":
      return fr
        ? `pas de données depuis ${duration(reason.ageMs, lang)}`
        : `no data for ${duration(reason.ageMs, lang)}`;
    case "link_lost":
      return fr ? "liaison avec le contrôleur d'équipement perdue" : "equipment controller link lost";
    case "oxygen_autonomy":
      return fr
        ? `${reason.minutes} min d'autonomie à ${flow(reason.flowLpm, lang)} L/min (réserve ${num(reason.reserveBar, lang)} bar)`
        : `${reason.minutes} min left at ${flow(reason.flowLpm, lang)} L/min`;
    case "oxygen_below_reserve":
      return fr
        ? `${num(reason.pressureBar, lang)} bar, sous la réserve de ${num(reason.reserveBar, lang)} bar`
        : `${num(reason.pressureBar, lang)} bar, below the ${num(reason.reserveBar, lang)} bar reserve`;
    case "ecg_selftest_failed":
      return fr ? "autotest échoué" : "self-test failed";
    case "ecg_selftest_unknown":
      return fr ? "résultat de l'autotest inconnu" : "self-test result unknown";
    case "ecg_battery_low": {
      const pct = fr ? `${num(reason.pct, lang)} %` : `${num(reason.pct, lang)}%`;
      if (reason.charging) return fr ? `batterie ${pct} (en charge)` : `battery ${pct} (charging)`;
      return fr ? `batterie ${pct}, pas en charge` : `battery ${pct}, not charging`;
    }
    case "ecg_undocked_driving":
      return fr ? "hors de son support pendant la conduite" : "out of its dock while driving";
    case "bavu_absent":
      return fr ? "absent de son support" : "not in its bracket";
    case "temperature_excursion": {
      const span = `${duration(reason.durationMs, lang)} ${fr ? "hors plage" : "outside"} ${range(reason.minC, reason.maxC, lang)}`;
      if (reason.celsius !== undefined) return `${span} (${num(reason.celsius, lang, 1)} °C)`;
      return fr ? `${span} dans les dernières 24 h` : `${span} in the last 24 h`;
    }
    case "temperature_cumulative":
      return fr
        ? `${duration(reason.durationMs, lang)} hors plage ${range(reason.minC, reason.maxC, lang)} en 24 h`
        : `${duration(reason.durationMs, lang)} outside ${range(reason.minC, reason.maxC, lang)} in 24 h`;
    case "expires_soon": {
      const on = date(reason.expiresOn, lang);
      if (reason.daysLeft === 0) return fr ? `périme aujourd'hui (${on})` : `expires today (${on})`;
      if (reason.daysLeft === 1) return fr ? `périme demain (${on})` : `expires tomorrow (${on})`;
      return fr
        ? `périme dans ${reason.daysLeft} jours (${on})`
        : `expires in ${reason.daysLeft} days (${on})`;
    }
    case "expired":
      return fr
        ? `date de péremption dépassée (${date(reason.expiresOn, lang)})`
        : `expiry date passed (${date(reason.expiresOn, lang)})`;
    case "supply_low": {
      const volts = num(reason.supplyMv / 1000, lang, 1);
      return fr ? `${volts} V, contact coupé` : `${volts} V with the ignition off`;
    }
    case "check_overdue": {
      const name = fr ? `contrôle « ${reason.check.fr} »` : `check “${reason.check.en}”`;
      if (reason.ageMs === null) return fr ? `${name} jamais effectué` : `${name} never done`;
      return fr
        ? `${name} en retard (dernier il y a ${duration(reason.ageMs, lang)})`
        : `${name} overdue (last ${duration(reason.ageMs, lang)} ago)`;
    }
    case "check_failed":
      return fr ? `contrôle « ${reason.check.fr} » échoué` : `check “${reason.check.en}” failed`;
  }
}

/** The doctor's sentence for one reason, e.g. "Oxygène : 12 min d'autonomie à 15 L/min (réserve 20 bar)". */
export function reasonText(reason: ReadinessReason, subject: LocalizedText, lang: Lang): string {
  const text = `${subject[lang]}${lang === "fr" ? " : " : ": "}${body(reason, lang)}`;
  return text.length <= maxReasonLength ? text : `${text.slice(0, maxReasonLength - 1)}…`;
}

export function reasonTexts(reason: ReadinessReason, subject: LocalizedText): LocalizedText {
  return { fr: reasonText(reason, subject, "fr"), en: reasonText(reason, subject, "en") };
}
