/** A choice the user made on this screen (language, theme), kept in localStorage across reloads. */

/** The stored value when it is still one of `allowed` (an older build may have stored another). */
export function storedChoice<T extends string>(key: string, allowed: readonly T[]): T | null {
  const value = localStorage.getItem(key);
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}
