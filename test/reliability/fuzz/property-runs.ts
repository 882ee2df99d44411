/**
 * How many cases a property runs: the fast count in `npm test`, `longFactor` times more in the long
 * variant (SOSM_RELIABILITY=long; 50 by default, less for properties that each cost a socket or a
 * SQLite file), or exactly SOSM_PROPERTY_RUNS when set.
 */
export function propertyRuns(fast: number, longFactor = 50): number {
  const forced = Number(process.env.SOSM_PROPERTY_RUNS);
  if (Number.isInteger(forced) && forced > 0) return forced;
  return process.env.SOSM_RELIABILITY === "long" ? fast * longFactor : fast;
}

/** The time limit of a property test: vitest's default, or 15 min in the long variant. */
export const propertyTimeoutMs = process.env.SOSM_RELIABILITY === "long" ? 900_000 : 60_000;
