/**
 * One console line for an `equipment` body (PROTOCOL.md A), as the `npm start` dispatch console
 * prints it, e.g.
 *   équipement : DÉGRADÉ | O2 ⚠ 29 min | ECG 92 % | BAVU présent | Médic. 18,3 °C | Perf. ok | … — Oxygène : 29 min …
 * The verdict word comes from the item states (the body's `ready` is the availability gate); the
 * reasons of items at fault or warning follow the dash, except the technician-check ones, which the
 * demo never records and which would drown the rest.
 */

interface Item {
  id?: unknown;
  kind?: unknown;
  state?: unknown;
  reasons?: unknown;
  readings?: Record<string, unknown>;
}

const labels: Record<string, string> = {
  oxygen: "O2",
  ecg: "ECG",
  bavu: "BAVU",
  drug_storage: "Médic.",
  infusion_kit: "Perf.",
  drug_kit: "Trousse",
  vehicle_power: "Alim.",
};
const marks: Record<string, string> = { warning: "⚠", fault: "✖", unknown: "?" };

const decimal = (value: number, digits: number) => value.toFixed(digits).replace(".", ",");

function figure(item: Item): string | null {
  const r = item.readings ?? {};
  switch (item.kind) {
    case "oxygen":
      return typeof r.autonomy_min === "number" ? `${r.autonomy_min} min` : null;
    case "ecg":
      return typeof r.battery_pct === "number" ? `${r.battery_pct} %` : null;
    case "bavu":
      return typeof r.present === "boolean" ? (r.present ? "présent" : "absent") : null;
    case "drug_storage":
      return typeof r.celsius === "number" ? `${decimal(r.celsius, 1)} °C` : null;
    case "vehicle_power":
      return typeof r.supply_mv === "number" ? `${decimal(r.supply_mv / 1000, 1)} V` : null;
    default:
      return null;
  }
}

function part(item: Item): string {
  const label = labels[String(item.kind)] ?? String(item.id);
  const mark = marks[String(item.state)];
  const value = figure(item);
  return [label, mark, value ?? (mark === undefined ? "ok" : null)].filter(Boolean).join(" ");
}

export function equipmentLine(body: Record<string, unknown>): string {
  const items = Array.isArray(body.items) ? (body.items as Item[]) : [];
  const states = new Set(items.map((item) => item.state));
  const verdict = states.has("fault")
    ? "NON PRÊT"
    : states.has("warning") || states.has("unknown")
      ? "DÉGRADÉ"
      : "PRÊT";
  const reasons = items
    .filter((item) => item.state === "fault" || item.state === "warning")
    .flatMap((item) => (Array.isArray(item.reasons) ? item.reasons.map(String) : []))
    .filter((reason) => !reason.includes("contrôle «"));
  const why = reasons.length > 0 ? ` — ${reasons.join(" ; ")}` : "";
  return `équipement : ${verdict}${body.ready === false ? " (indisponible)" : ""} | ${items.map(part).join(" | ")}${why}`;
}
