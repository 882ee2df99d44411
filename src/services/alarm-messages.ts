/**
 * The bodies of the `alarm` events, and the position they carry: the newest fix in the track. The
 * doctor is usually in a building near the parked car, so the car's last fix is the best position
 * there is, even an old one;
 * but a dispatcher must not read a 20-minute-old fix as "here, now", so an old or missing fix is said
 * in the event's `note` (the envelope `ts` is the send time, not the fix time).
 */
import type { AlarmEffect } from "../domain/alarms/alarm.ts";
import type { AlarmEventRole } from "./alarm-store.ts";
import type { TrackStore } from "./track-store.ts";

/** Beyond this, the fix is called old in the note. */
const staleAfterMs = 2 * 60_000;

export interface AlarmPosition {
  lat?: number;
  lon?: number;
  note?: string;
}

export function alarmPosition(track: Pick<TrackStore, "latest">, now: number): AlarmPosition {
  const latest = track.latest();
  if (latest === null) return { note: "Position inconnue (aucun fix GNSS) / position unknown (no GNSS fix)" };
  const { lat, lon, fixTime } = latest.fix;
  const ageMs = now - latest.receivedAt;
  if (ageMs <= staleAfterMs) return { lat, lon };
  const minutes = Math.round(ageMs / 60_000);
  return {
    lat,
    lon,
    note: `Dernière position connue, il y a ${minutes} min (fix ${fixTime}) / last known position, ${minutes} min old`,
  };
}

/** The `alarm` body (PROTOCOL.md A) of a send effect, with the position now, and its role. */
export function alarmEvent(
  effect: AlarmEffect,
  track: Pick<TrackStore, "latest">,
  now: number,
): { role: AlarmEventRole; body: Record<string, unknown> } {
  const role: AlarmEventRole =
    effect.type === "send_raised" ? "raised" : effect.type === "send_cancelled" ? "cancelled" : "repeat";
  const state = role === "cancelled" ? "cancelled" : "raised";
  return { role, body: { alarmId: effect.alarmId, kind: effect.kind, state, ...alarmPosition(track, now) } };
}
