/**
 * The readiness verdict (DESIGN.md §3, "Readiness gates availability"; issue 5): every item of the
 * profile assessed against the equipment state, then
 *   ready      every item ok
 *   degraded   some item warning or unknown, none faulty
 *   not_ready  some item faulty
 * and the availability gate: under policy "block" a fault blocks `available`; under "warn" it is
 * shown and sent, but does not block. Warnings and unknowns never block: a controller that stops
 * talking must not take a doctor off the road (DESIGN.md §3, "Hardware drops are normal").
 *
 * Per sensor item: no record ever → unknown ("no data"); controller link lost → unknown; last record
 * older than `staleAfterMs` (30 s; exactly 30 s is still fresh) → unknown. Stale values are not
 * judged (a 30-min-old "ok" proves nothing), but what is about the past still counts: temperature
 * history, expiry dates, technician checks. An item's state is its worst finding, with
 * ok < unknown < warning < fault: a known problem outranks missing data.
 */
import { assessBavu } from "./bavu-readiness.ts";
import type { ExcursionOptions } from "./drug-storage.ts";
import {
  assessDrugStorage,
  defaultExcursionOptions,
  emptyTemperatureLog,
  summarizeExcursions,
} from "./drug-storage.ts";
import { assessEcg } from "./ecg-readiness.ts";
import type { EquipmentReading, EquipmentState, ReadinessItem } from "./equipment-state.ts";
import { isSensorKind } from "./equipment-state.ts";
import { assessKit } from "./kit-expiry.ts";
import { assessOxygen, oxygenAutonomy } from "./oxygen-autonomy.ts";
import type { Finding, ItemState, LocalizedText, ReadinessReason } from "./readiness-labels.ts";
import { kindSubjects, reasonTexts, worstState } from "./readiness-labels.ts";
import type { Checklists, CheckRecord } from "./technician-checks.ts";
import { assessChecks, defaultCheckPeriodsMs, lastCheckTimes } from "./technician-checks.ts";
import { assessVehiclePower } from "./vehicle-power.ts";

export type Readiness = "ready" | "degraded" | "not_ready";
export type GatePolicy = "warn" | "block";
type ReadingValue = number | boolean | string | null;

export interface AssessedFinding extends Finding {
  /** The doctor's sentence, e.g. fr "Oxygène : 12 min d'autonomie à 15 L/min (réserve 20 bar)". */
  readonly text: LocalizedText;
}

/** One item, shaped like an item of the `equipment` body (times are epoch ms here, ISO on the wire). */
export interface ItemAssessment {
  readonly id: string;
  readonly kind: ReadinessItem["kind"];
  readonly state: ItemState;
  /** Empty when ok. */
  readonly findings: readonly AssessedFinding[];
  /** Last known values, snake_case as on the wire, even when stale (`checkedAt` says how old). */
  readonly readings?: Readonly<Record<string, ReadingValue>>;
  /** Receive time of the latest reading, or of the latest technician check for a kit. */
  readonly checkedAt?: number;
  readonly expiresOn?: string;
}

export interface ReadinessVerdict {
  readonly readiness: Readiness;
  readonly items: readonly ItemAssessment[];
}

export interface AssessmentOptions {
  readonly staleAfterMs: number;
  readonly checkPeriodsMs: Readonly<Record<keyof Checklists, number>>;
  readonly excursion: ExcursionOptions;
}

export const defaultAssessmentOptions: AssessmentOptions = {
  staleAfterMs: 30_000,
  checkPeriodsMs: defaultCheckPeriodsMs,
  excursion: defaultExcursionOptions,
};

export interface AssessmentInput {
  readonly items: readonly ReadinessItem[];
  readonly state: EquipmentState;
  /** Epoch ms, from the injected clock. */
  readonly now: number;
  /** Today in the car's calendar, `calendarDate(now)` (kit-expiry.ts). */
  readonly today: string;
  /** The controller link (PROTOCOL.md B: lost after 5 s without `HB`). */
  readonly link: "up" | "lost";
  /** The profile's checklists, and the latest result of each check by check id. */
  readonly checks?: Checklists;
  readonly lastChecks?: Readonly<Record<string, CheckRecord>>;
  /** Whether the car is moving; by default, the ignition of the latest fresh `VEH` record. */
  readonly driving?: boolean;
  /** Earliest expiry of stored drugs per drug_storage item id (not in the profile schema). */
  readonly expiresOn?: Readonly<Record<string, string>>;
  readonly options?: Partial<AssessmentOptions>;
}

function readingsOf(item: ReadinessItem, reading: EquipmentReading): Record<string, ReadingValue> {
  switch (reading.record) {
    case "O2": {
      const autonomy = item.kind === "oxygen" ? oxygenAutonomy(item, reading).minutes : null;
      return { pressure_bar: reading.pressureBar, flow_lpm: reading.flowLpm, autonomy_min: autonomy };
    }
    case "ECG":
      return {
        battery_pct: reading.batteryPct,
        selftest: reading.selftest,
        charging: reading.charging,
        docked: reading.docked,
      };
    case "BAG":
      return { present: reading.present };
    case "TMP":
      return { celsius: reading.celsius };
    case "VEH":
      return { ignition: reading.ignition, supply_mv: reading.supplyMv };
  }
}

/** The rules that judge the present, from a fresh reading of the right record. */
function currentFindings(
  item: ReadinessItem,
  reading: EquipmentReading,
  driving: boolean,
): readonly Finding[] {
  if (item.kind === "oxygen" && reading.record === "O2") return assessOxygen(item, reading);
  if (item.kind === "ecg" && reading.record === "ECG") return assessEcg(item, reading, { driving });
  if (item.kind === "bavu" && reading.record === "BAG") return assessBavu(reading);
  if (item.kind === "vehicle_power" && reading.record === "VEH") return assessVehiclePower(item, reading);
  return []; // drug_storage: judged from its log, below
}

function freshness(
  reading: EquipmentReading | undefined,
  input: AssessmentInput,
  staleAfterMs: number,
): ReadinessReason | null {
  if (input.link === "lost") return { code: "link_lost" };
  if (reading === undefined) return { code: "no_data" };
  const ageMs = input.now - reading.at;
  return ageMs > staleAfterMs ? { code: "stale", ageMs } : null;
}

/** The subject of an item's sentences: its kind's noun, or its own label when the kind repeats. */
function subjectOf(item: ReadinessItem, items: readonly ReadinessItem[]): LocalizedText {
  const repeated = items.filter((other) => other.kind === item.kind).length > 1;
  const noun = kindSubjects[item.kind];
  return (repeated ? item.label : undefined) ?? noun ?? item.label ?? { fr: item.id, en: item.id };
}

export function assessEquipment(input: AssessmentInput): ReadinessVerdict {
  const options = { ...defaultAssessmentOptions, ...input.options };
  const { state, now } = input;
  const checkFindings = input.checks
    ? assessChecks(input.checks, input.lastChecks ?? {}, now, options.checkPeriodsMs)
    : new Map<string, Finding[]>();
  const checkTimes = input.checks
    ? lastCheckTimes(input.checks, input.lastChecks ?? {})
    : new Map<string, number>();
  const vehicle = state.vehicle;
  const driving =
    input.driving ??
    (input.link === "up" && vehicle !== null && now - vehicle.at <= options.staleAfterMs && vehicle.ignition);

  const assessments = input.items.map((item): ItemAssessment => {
    const findings: Finding[] = [];
    let readings: Record<string, ReadingValue> | undefined;
    let checkedAt: number | undefined = checkTimes.get(item.id);
    let expiresOn: string | undefined;
    if (isSensorKind(item.kind)) {
      const reading = state.latest[item.id];
      const unknown = freshness(reading, input, options.staleAfterMs);
      if (unknown !== null) findings.push({ state: "unknown", reason: unknown });
      if (reading !== undefined) {
        readings = readingsOf(item, reading);
        checkedAt = reading.at;
        if (unknown === null) findings.push(...currentFindings(item, reading, driving));
      }
    }
    if (item.kind === "drug_storage") {
      const log = state.temperature[item.id];
      expiresOn = input.expiresOn?.[item.id];
      const context =
        expiresOn === undefined ? { now, today: input.today } : { now, today: input.today, expiresOn };
      if (log !== undefined) {
        const cumulative = summarizeExcursions(log, now, options.excursion).cumulativeMs;
        readings = { ...readings, out_of_range_min_24h: Math.floor(cumulative / 60_000) };
      }
      findings.push(...assessDrugStorage(item, log ?? emptyTemperatureLog, context, options.excursion));
    }
    if (item.kind === "infusion_kit" || item.kind === "drug_kit") {
      expiresOn = item.expiresOn;
      findings.push(...assessKit(item, input.today));
    }
    findings.push(...(checkFindings.get(item.id) ?? []));
    const subject = subjectOf(item, input.items);
    return {
      id: item.id,
      kind: item.kind,
      state: worstState(findings.map((finding) => finding.state)),
      findings: findings.map((finding) => ({ ...finding, text: reasonTexts(finding.reason, subject) })),
      ...(readings === undefined ? {} : { readings }),
      ...(checkedAt === undefined ? {} : { checkedAt }),
      ...(expiresOn === undefined ? {} : { expiresOn }),
    };
  });
  return combineVerdict(assessments);
}

export function combineVerdict(items: readonly ItemAssessment[]): ReadinessVerdict {
  const worst = worstState(items.map((item) => item.state));
  const readiness: Readiness = worst === "fault" ? "not_ready" : worst === "ok" ? "ready" : "degraded";
  return { readiness, items };
}

export interface GateReason {
  readonly itemId: string;
  readonly state: Finding["state"];
  readonly reason: ReadinessReason;
  readonly text: LocalizedText;
}

export interface AvailabilityGate {
  /** Whether the doctor may switch to `available` (or `at_base`). */
  readonly allowed: boolean;
  /** Shown to the doctor without stopping them: warnings, unknowns, and faults under "warn". */
  readonly warnings: readonly GateReason[];
  /** Faults under "block": why `available` is refused. */
  readonly blockingReasons: readonly GateReason[];
}

export function gateAvailability(verdict: ReadinessVerdict, policy: GatePolicy): AvailabilityGate {
  const warnings: GateReason[] = [];
  const blockingReasons: GateReason[] = [];
  for (const item of verdict.items)
    for (const finding of item.findings) {
      const entry = { itemId: item.id, state: finding.state, reason: finding.reason, text: finding.text };
      (finding.state === "fault" && policy === "block" ? blockingReasons : warnings).push(entry);
    }
  return { allowed: blockingReasons.length === 0, warnings, blockingReasons };
}
