/**
 * The shell's log: one JSON line per event on stderr, which journald keeps with the unit
 * (`journalctl -u sosm-kiosk`). pino is not bundled into the shell: it would be the only
 * dependency, for a dozen lines of logging.
 */
export type KioskLogLevel = "info" | "warn" | "error";

export interface KioskLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export function jsonLineLog(
  write: (line: string) => void = (line) => process.stderr.write(line),
  now: () => number = Date.now,
): KioskLog {
  const emit = (level: KioskLogLevel) => (fields: Record<string, unknown>, message: string) => {
    write(
      `${JSON.stringify({ time: new Date(now()).toISOString(), level, name: "kiosk", msg: message, ...fields })}\n`,
    );
  };
  return { info: emit("info"), warn: emit("warn"), error: emit("error") };
}
