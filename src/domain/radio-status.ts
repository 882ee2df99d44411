/**
 * The radio status table of PROTOCOL.md part A ("Radio statuses"), as pure data.
 *
 * The codes and keys are a wire contract: dispatch systems and the Hub Santé gateway are written
 * against them, so they must hold exactly as PROTOCOL.md writes them. The French labels are what the
 * doctor sees, verbatim from the table. The codes follow the FMS/TETRA habit of one digit per status
 * (0 is the emergency key), which is why the table is not in code order.
 *
 * `rsSr` is the mapping to Hub Santé RS-SR (`resourcesStatus`, PROTOCOL.md C and
 * shared/interop/hub-sante/RS-SR.schema.json, `state.status` and `state.availability`). `null` means
 * "nothing to send for this field": `call_request` is a request and leaves the status unchanged,
 * `emergency` raises an `alarm` instead, and `unavailable` only changes availability.
 */

export const statusKeys = [
  "available",
  "at_base",
  "en_route",
  "on_scene",
  "with_patient",
  "visit_done",
  "call_request",
  "unavailable",
  "samu_backup",
  "emergency",
] as const;

export type StatusKey = (typeof statusKeys)[number];

/** The codes 0 to 9; each one is a single key on the car's status pad. */
export type StatusCode = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** RS-SR `state.status` values this table maps to (a subset of the RS-SR enumeration). */
export type RsSrStatus = "RETOUR" | "RET-BASE" | "DEPART" | "ARRIVEE" | "PEC" | "FINPEC" | "ORIENTAT";

export interface RadioStatus {
  readonly code: StatusCode;
  readonly key: StatusKey;
  readonly labels: { readonly fr: string; readonly en: string };
  readonly rsSr: { readonly status: RsSrStatus | null; readonly availability: boolean | null };
}

/** In the order of PROTOCOL.md's table. */
export const radioStatuses: readonly RadioStatus[] = [
  {
    code: 1,
    key: "available",
    labels: { fr: "Disponible", en: "Available" },
    rsSr: { status: "RETOUR", availability: true },
  },
  {
    code: 2,
    key: "at_base",
    labels: { fr: "Disponible au centre", en: "Available at base" },
    rsSr: { status: "RET-BASE", availability: true },
  },
  {
    code: 3,
    key: "en_route",
    labels: { fr: "En route", en: "En route" },
    rsSr: { status: "DEPART", availability: null },
  },
  {
    code: 4,
    key: "on_scene",
    labels: { fr: "Sur place", en: "On scene" },
    rsSr: { status: "ARRIVEE", availability: null },
  },
  {
    code: 7,
    key: "with_patient",
    labels: { fr: "Prise en charge", en: "With patient" },
    rsSr: { status: "PEC", availability: null },
  },
  {
    code: 8,
    key: "visit_done",
    labels: { fr: "Fin de visite", en: "Visit done" },
    rsSr: { status: "FINPEC", availability: null },
  },
  {
    code: 5,
    key: "call_request",
    labels: { fr: "Demande d'appel", en: "Call request" },
    rsSr: { status: null, availability: null },
  },
  {
    code: 6,
    key: "unavailable",
    labels: { fr: "Indisponible", en: "Unavailable" },
    rsSr: { status: null, availability: false },
  },
  {
    code: 9,
    key: "samu_backup",
    labels: { fr: "Renfort SMUR demandé", en: "SMUR backup requested" },
    rsSr: { status: "ORIENTAT", availability: null },
  },
  {
    code: 0,
    key: "emergency",
    labels: { fr: "Urgence / danger", en: "Emergency / danger" },
    rsSr: { status: null, availability: null },
  },
];

const byCode = new Map<number, RadioStatus>(radioStatuses.map((status) => [status.code, status]));
const byKey = new Map<string, RadioStatus>(radioStatuses.map((status) => [status.key, status]));

/** The status with this code, or null for anything outside 0-9 (a wire value is not trusted). */
export function radioStatusByCode(code: number): RadioStatus | null {
  return byCode.get(code) ?? null;
}

/** The status with this key, or null for an unknown key. */
export function radioStatusByKey(key: string): RadioStatus | null {
  return byKey.get(key) ?? null;
}

/** Whether `code` and `key` name the same status (a `status` body must carry a matching pair). */
export function isMatchingStatus(code: number, key: string): boolean {
  return radioStatusByCode(code)?.key === key;
}
