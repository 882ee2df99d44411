/**
 * Day and night for the console. A control room at night is dark: the console starts in the night
 * theme and the operator's choice is remembered on this desk.
 */
export type Theme = "day" | "night";
export const themes: readonly Theme[] = ["night", "day"];
