/** What every screen part reads: the core's state, the way to send a command, and the core's clock. */
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { UiCommand, UiError, UiOutcome, UiState } from "../../../../src/contracts/ui-api.ts";

export interface KioskContextValue {
  state: UiState;
  send: (command: UiCommand) => Promise<UiOutcome>;
  /** The core's wall clock (the screen's clock corrected by the offset seen in the last state). */
  now: () => number;
}

export const KioskContext = createContext<KioskContextValue | null>(null);

export function useKiosk(): KioskContextValue {
  const value = useContext(KioskContext);
  if (value === null) throw new Error("useKiosk outside the kiosk context");
  return value;
}

/** Re-renders every `periodMs` and returns the core's time: counters and the clock use it. */
export function useNow(periodMs = 1000): number {
  const { now } = useKiosk();
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now();
}

export interface CommandRunner {
  run: (command: UiCommand) => Promise<UiOutcome>;
  busy: boolean;
  error: UiError | null;
  warnings: Array<{ fr: string; en: string }>;
  clear: () => void;
}

/** Sends a command and keeps its refusal (shown next to the button that sent it). */
export function useCommand(): CommandRunner {
  const { send } = useKiosk();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [warnings, setWarnings] = useState<Array<{ fr: string; en: string }>>([]);
  return {
    busy,
    error,
    warnings,
    clear: () => {
      setError(null);
      setWarnings([]);
    },
    run: async (command) => {
      setBusy(true);
      setError(null);
      setWarnings([]);
      const outcome = await send(command);
      setBusy(false);
      if (!outcome.ok) setError(outcome.error);
      else setWarnings(outcome.warnings ?? []);
      return outcome;
    },
  };
}
