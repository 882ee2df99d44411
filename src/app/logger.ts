/**
 * The one place that builds pino loggers; everything else receives a `Logger` (src/services/ports.ts)
 * by injection (DESIGN.md §5).
 *
 * JSON goes to stderr by default, never stdout: stdout carries CLI output (`gnss decode` prints
 * fixes as JSON lines), and a log line mixed into it would corrupt what a script pipes onwards.
 * Under systemd, journald captures stderr as it does stdout.
 *
 * Writes are synchronous: the core must explain why it stopped, and an asynchronous buffer is lost
 * when the process dies (a crash, a watchdog kill, the car's power being cut).
 */
import pino, { type DestinationStream } from "pino";
import type { Config } from "../contracts/config.ts";
import type { Logger } from "../services/ports.ts";

export type LogLevel = Config["logLevel"];

export interface CreateLoggerOptions {
  level: LogLevel;
  /** Component name, in every line as `name` (e.g. "core", "gnss-watch"). */
  name: string;
  /** Where JSON lines go; default stderr. Tests pass a stream to read them back. */
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  return pino(
    {
      name: options.name,
      level: options.level,
      // ISO time reads at a glance in a technician's `journalctl`, and stays sortable.
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
