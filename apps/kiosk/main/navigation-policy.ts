/**
 * Where the kiosk window may go: only to the core's own origin (DESIGN.md §4, Electron checklist
 * "limit navigation"). A link in a dispatch message, a map attribution or a compromised renderer
 * must not take the doctor's only screen to a web page with no way back. The starting screen is
 * loaded by the main process itself (not a navigation the renderer asks for), so it needs no rule.
 */

/** The origin (`http://127.0.0.1:7380`) of a URL, or null when it has none (data:, about:, junk). */
export function originOf(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const origin = new URL(url).origin;
  return origin === "null" ? null : origin;
}

/**
 * True when the renderer may navigate to `target`. `coreOrigin` is null while the starting screen
 * shows: nothing may be navigated to then.
 */
export function mayNavigate(target: string, coreOrigin: string | null): boolean {
  if (coreOrigin === null) return false;
  return originOf(target) === coreOrigin;
}

/**
 * New windows are always refused, even on the core's origin: a kiosk has one window, and a second
 * one would open behind it where the doctor cannot see or close it.
 */
export function mayOpenWindow(_target: string): boolean {
  return false;
}

/**
 * Permissions the UI may be granted: none. Position comes from the car's GNSS through the core, not
 * from the browser; the UI needs no camera, microphone, notifications or clipboard.
 */
export function mayGrantPermission(_permission: string): boolean {
  return false;
}
