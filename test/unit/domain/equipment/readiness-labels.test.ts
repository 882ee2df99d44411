import { describe, expect, it } from "vitest";
import {
  duration,
  kindSubjects,
  type ReadinessReason,
  reasonTexts,
  worstState,
} from "../../../../src/domain/equipment/readiness-labels.ts";

const subject = (kind: string) => {
  const text = kindSubjects[kind];
  if (text === undefined) throw new Error(kind);
  return text;
};
const texts = (kind: string, reason: ReadinessReason) => reasonTexts(reason, subject(kind));

describe("reason texts, French and English", () => {
  it("says the oxygen autonomy as in issue 5", () => {
    expect(texts("oxygen", { code: "oxygen_autonomy", minutes: 12, flowLpm: 15, reserveBar: 20 })).toEqual({
      fr: "Oxygène : 12 min d'autonomie à 15 L/min (réserve 20 bar)",
      en: "Oxygen: 12 min left at 15 L/min",
    });
  });

  it("writes a decimal flow with a comma in French", () => {
    expect(texts("oxygen", { code: "oxygen_autonomy", minutes: 260, flowLpm: 2.5, reserveBar: 20 })).toEqual({
      fr: "Oxygène : 260 min d'autonomie à 2,5 L/min (réserve 20 bar)",
      en: "Oxygen: 260 min left at 2.5 L/min",
    });
  });

  it("says a cylinder below its reserve", () => {
    expect(texts("oxygen", { code: "oxygen_below_reserve", pressureBar: 18, reserveBar: 20 })).toEqual({
      fr: "Oxygène : 18 bar, sous la réserve de 20 bar",
      en: "Oxygen: 18 bar, below the 20 bar reserve",
    });
  });

  it("says the ECG's problems", () => {
    expect(texts("ecg", { code: "ecg_selftest_failed" })).toEqual({
      fr: "ECG : autotest échoué",
      en: "ECG: self-test failed",
    });
    expect(texts("ecg", { code: "ecg_battery_low", pct: 15, charging: false })).toEqual({
      fr: "ECG : batterie 15 %, pas en charge",
      en: "ECG: battery 15%, not charging",
    });
    expect(texts("ecg", { code: "ecg_battery_low", pct: 8, charging: true })).toEqual({
      fr: "ECG : batterie 8 % (en charge)",
      en: "ECG: battery 8% (charging)",
    });
    expect(texts("ecg", { code: "ecg_undocked_driving" })).toEqual({
      fr: "ECG : hors de son support pendant la conduite",
      en: "ECG: out of its dock while driving",
    });
  });

  it("says a missing bag", () => {
    expect(texts("bavu", { code: "bavu_absent" })).toEqual({
      fr: "BAVU : absent de son support",
      en: "Bag valve mask: not in its bracket",
    });
  });

  it("says temperature excursions, current and past, and the 24 h total", () => {
    const range = { minC: 2, maxC: 25 };
    expect(
      texts("drug_storage", {
        code: "temperature_excursion",
        durationMs: 18 * 60_000,
        ...range,
        celsius: 27.5,
      }),
    ).toEqual({
      fr: "Compartiment médicaments : 18 min hors plage 2–25 °C (27,5 °C)",
      en: "Drug compartment: 18 min outside 2–25 °C (27.5 °C)",
    });
    expect(
      texts("drug_storage", { code: "temperature_excursion", durationMs: 20 * 60_000, ...range }),
    ).toEqual({
      fr: "Compartiment médicaments : 20 min hors plage 2–25 °C dans les dernières 24 h",
      en: "Drug compartment: 20 min outside 2–25 °C in the last 24 h",
    });
    expect(
      texts("drug_storage", { code: "temperature_cumulative", durationMs: 130 * 60_000, ...range }),
    ).toEqual({
      fr: "Compartiment médicaments : 2 h 10 hors plage 2–25 °C en 24 h",
      en: "Drug compartment: 2 h 10 min outside 2–25 °C in 24 h",
    });
  });

  it("says expiry dates, with French dates in French", () => {
    expect(texts("drug_kit", { code: "expires_soon", expiresOn: "2027-01-31", daysLeft: 5 })).toEqual({
      fr: "Trousse médicaments : périme dans 5 jours (31/01/2027)",
      en: "Drug kit: expires in 5 days (2027-01-31)",
    });
    expect(texts("drug_kit", { code: "expires_soon", expiresOn: "2027-01-31", daysLeft: 1 }).fr).toBe(
      "Trousse médicaments : périme demain (31/01/2027)",
    );
    expect(texts("infusion_kit", { code: "expires_soon", expiresOn: "2027-03-31", daysLeft: 0 })).toEqual({
      fr: "Kit de perfusion : périme aujourd'hui (31/03/2027)",
      en: "Infusion kit: expires today (2027-03-31)",
    });
    expect(texts("infusion_kit", { code: "expired", expiresOn: "2027-03-31" })).toEqual({
      fr: "Kit de perfusion : date de péremption dépassée (31/03/2027)",
      en: "Infusion kit: expiry date passed (2027-03-31)",
    });
  });

  it("says a low vehicle battery", () => {
    expect(texts("vehicle_power", { code: "supply_low", supplyMv: 11_640 })).toEqual({
      fr: "Batterie du véhicule : 11,6 V, contact coupé",
      en: "Vehicle battery: 11.6 V with the ignition off",
    });
  });

  it("says missing data, stale data and a lost link", () => {
    expect(texts("ecg", { code: "no_data" })).toEqual({
      fr: "ECG : aucune donnée reçue",
      en: "ECG: no data received",
    });
    expect(texts("oxygen", { code: "stale", ageMs: 45_000 })).toEqual({
      fr: "Oxygène : pas de données depuis 45 s",
      en: "Oxygen: no data for 45 s",
    });
    expect(texts("oxygen", { code: "link_lost" })).toEqual({
      fr: "Oxygène : liaison avec le contrôleur d'équipement perdue",
      en: "Oxygen: equipment controller link lost",
    });
  });

  it("says overdue, never done and failed checks with the check's own name", () => {
    const check = { fr: "Test fonctionnel du BAVU", en: "BAVU function test" };
    expect(texts("bavu", { code: "check_overdue", check, ageMs: 9 * 86_400_000 })).toEqual({
      fr: "BAVU : contrôle « Test fonctionnel du BAVU » en retard (dernier il y a 9 j)",
      en: "Bag valve mask: check “BAVU function test” overdue (last 9 d ago)",
    });
    expect(texts("bavu", { code: "check_overdue", check, ageMs: null })).toEqual({
      fr: "BAVU : contrôle « Test fonctionnel du BAVU » jamais effectué",
      en: "Bag valve mask: check “BAVU function test” never done",
    });
    expect(texts("bavu", { code: "check_failed", check })).toEqual({
      fr: "BAVU : contrôle « Test fonctionnel du BAVU » échoué",
      en: "Bag valve mask: check “BAVU function test” failed",
    });
  });

  it("cuts a text at the wire's 200 characters", () => {
    const check = { fr: "x".repeat(300), en: "y".repeat(300) };
    const { fr, en } = texts("bavu", { code: "check_failed", check });
    expect([fr.length, en.length]).toEqual([200, 200]);
    expect(fr.endsWith("…")).toBe(true);
  });
});

describe("durations and state order", () => {
  it("rounds durations down and picks a readable unit", () => {
    expect(duration(119_999, "fr")).toBe("119 s");
    expect(duration(120_000, "en")).toBe("2 min");
    expect(duration(2 * 3_600_000 + 5 * 60_000, "fr")).toBe("2 h 05");
    expect(duration(3 * 86_400_000, "en")).toBe("3 d");
  });

  it("ranks ok < unknown < warning < fault", () => {
    expect(worstState([])).toBe("ok");
    expect(worstState(["ok", "unknown"])).toBe("unknown");
    expect(worstState(["unknown", "warning"])).toBe("warning");
    expect(worstState(["warning", "fault", "unknown"])).toBe("fault");
  });
});
