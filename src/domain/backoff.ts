/**
 * Reconnect backoff, the one rule for every link the car re-establishes by itself: its serial ports
 * (src/io/serial-line-source.ts: the GNSS receiver, the equipment controller) and its MQTT link to
 * dispatch (src/transport/mqtt-dispatch-link.ts). After each failed attempt the delay grows ×factor
 * up to a cap (Signal K's serial source: ×1.5, DESIGN.md §5). A fixed short delay hammers a device
 * that resets on open, and a whole fleet hammers a broker that is restarting; an uncapped one leaves
 * the car deaf for many minutes after a long outage. The caller resets the delay to `initialMs` once
 * the link has proved itself (data from the port, a CONNACK), not on a mere open.
 */

export interface BackoffPolicy {
  /** The first delay, and the delay again after a reset. */
  readonly initialMs: number;
  /** The growth after each failed attempt. */
  readonly factor: number;
  /** The longest delay. */
  readonly maxMs: number;
}

/**
 * The delay that follows `delayMs`: ×factor, capped at `maxMs`. Not rounded: ×1.5 makes fractions,
 * and a caller that keeps the exact value and rounds only the wait does not accumulate rounding.
 */
export function nextBackoffMs(delayMs: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, delayMs * policy.factor);
}
