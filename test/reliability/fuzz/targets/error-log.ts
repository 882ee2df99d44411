/**
 * A pino logger for fuzz targets that remembers error-level lines: code under test that logs an
 * error ("command handler failed", "kiosk request failed", "listener failed") caught a bug of its
 * own, which is a crash for the fuzzer even though nothing was thrown out.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger } from "../../../../src/services/ports.ts";
import { FuzzCrash } from "../coverage-fuzzer.ts";

const errorLevel = 50;

export interface ErrorLogCapture {
  logger: Logger;
  /** Error lines since the last reset. */
  lines: string[];
  reset(): void;
  throwIfAny(): void;
}

export function errorLogCapture(): ErrorLogCapture {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      const text = String(chunk);
      // Cheap pre-check: only error and fatal lines are parsed.
      if (/"level":(5|6)\d/.test(text)) {
        const record = JSON.parse(text) as { level: number; msg?: string; err?: { message?: string } };
        if (record.level >= errorLevel)
          lines.push(`${record.msg ?? ""}: ${record.err?.message ?? ""}`.slice(0, 500));
      }
      done();
    },
  });
  return {
    logger: pino({ level: "error" }, sink),
    lines,
    reset: () => {
      lines.length = 0;
    },
    throwIfAny: () => {
      if (lines.length > 0) throw new FuzzCrash(`error logged: ${lines[0]}`);
    },
  };
}
