/**
 * Day and night for the console. A control room at night is dark: the console starts in the night
 * theme and the operator's choice is remembered on this desk.
 */
export type Theme = "day" | "night";
export const themes: readonly Theme[] = ["night", "day"];

export function storedChoice<T extends string>(key: string, allowed: readonly T[]): T | null {
  const value = localStorage.getItem(key);
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}
