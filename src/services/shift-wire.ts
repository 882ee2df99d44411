/**
 * The shift summary and doctor as they go on the wire (`shift` event, src/contracts/car-events.ts):
 * ISO times, seconds, kilometres to 0.1 km. The domain keeps epoch ms and metres.
 */
import type { z } from "zod";
import type { shiftSummarySchema } from "../contracts/car-events.ts";
import type { ShiftSummary } from "../domain/shifts/shift-summary.ts";

type WireSummary = z.input<typeof shiftSummarySchema>;

const iso = (ms: number) => new Date(ms).toISOString();
const isoTimes = (times: object): Record<string, string | number> =>
  Object.fromEntries(
    Object.entries(times).map(([key, value]) => [key, key === "visitMinutes" ? value : iso(value as number)]),
  );

export function summaryBody(summary: ShiftSummary): WireSummary {
  return {
    startedAt: iso(summary.startedAt),
    endedAt: iso(summary.endedAt),
    distanceKm: Math.round(summary.distanceM / 100) / 10,
    statusTimes: summary.statusTimes.map((t) => ({ key: t.key, seconds: Math.round(t.ms / 1000) })),
    // The types are the contract's: the values come from the car's own validated records.
    missions: summary.missions.slice(0, 100).map((m) => ({
      missionId: m.missionId,
      priority: m.priority as WireSummary["missions"][number]["priority"],
      state: m.state,
      ...(m.outcome === null
        ? {}
        : { outcome: m.outcome as NonNullable<WireSummary["missions"][number]["outcome"]> }),
      times: isoTimes(m.times),
    })),
    alarms: summary.alarms.slice(0, 100).map((a) => ({
      alarmId: a.alarmId,
      kind: a.kind as WireSummary["alarms"][number]["kind"],
      raisedAt: iso(a.raisedAt),
      ...(a.acknowledgedAt === null ? {} : { acknowledgedAt: iso(a.acknowledgedAt) }),
      ...(a.cancelledAt === null ? {} : { cancelledAt: iso(a.cancelledAt) }),
    })),
    restock: summary.restock.slice(0, 256).map((r) => ({ item: r.item, qty: r.qty })),
  };
}
