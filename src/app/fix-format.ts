import type { Fix } from "../domain/gnss/fix.ts";

/** One human line for a fix: for technicians' and developers' consoles, not for the wire. */
export function formatFix(fix: Fix): string {
  const lat = `${Math.abs(fix.lat).toFixed(6)}°${fix.lat >= 0 ? "N" : "S"}`;
  const lon = `${Math.abs(fix.lon).toFixed(6)}°${fix.lon >= 0 ? "E" : "W"}`;
  const parts = [fix.fixTime.slice(11, 23), lat, lon, fix.fix];
  if (fix.speed !== undefined) parts.push(`${(fix.speed * 3.6).toFixed(0)} km/h`);
  if (fix.heading !== undefined) parts.push(`cap ${fix.heading.toFixed(0)}°`);
  if (fix.alt !== undefined) parts.push(`alt ${fix.alt.toFixed(0)} m`);
  if (fix.sats !== undefined) parts.push(`${fix.sats} sat`);
  if (fix.hdop !== undefined) parts.push(`HDOP ${fix.hdop}`);
  return parts.join("  ");
}
