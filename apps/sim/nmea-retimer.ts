/**
 * Moves a recorded drive to the present, sentence by sentence, as it is replayed: the times of day
 * and the dates of RMC, GGA, GLL, GNS and ZDA are shifted by (now at the first dated sentence −
 * its recorded time), and each sentence gets its checksum again. Without it, the simulated car of
 * `npm start` and of the tests would report fixes of the day the recording was made: dispatch's
 * history ("the last hour") would be empty on any other day, and a looped recording would go back
 * in time at each loop, which the quality gate rightly drops as stale.
 *
 * A loop (the recorded time goes back by more than 2 s) continues one second after the last time
 * sent. Sentences before the first dated one pass unchanged (there is nothing to shift them by).
 */
import { frameSentence } from "../../src/contracts/nmea-framing.ts";

const dayMs = 86_400_000;

/** `hhmmss(.ss)` → ms of the day, or null. */
function timeOfDay(field: string): number | null {
  const m = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(field);
  if (!m) return null;
  return (Number(m[1]) * 3600 + Number(m[2]) * 60) * 1000 + Math.round(Number(m[3]) * 1000);
}

/** ms of the day → `hhmmss` with as many decimals as `like` had. */
function formatTime(ms: number, like: string): string {
  const decimals = like.includes(".") ? like.length - like.indexOf(".") - 1 : 0;
  const d = new Date(((ms % dayMs) + dayMs) % dayMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  const seconds = d.getUTCSeconds() + d.getUTCMilliseconds() / 1000;
  const ss = decimals > 0 ? seconds.toFixed(decimals).padStart(3 + decimals, "0") : pad(Math.floor(seconds));
  return `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${ss}`;
}

export class NmeaRetimer {
  private offsetMs: number | null = null;
  private lastRecordedMs: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  retime(line: string): string {
    const star = line.lastIndexOf("*");
    if (!line.startsWith("$") || star < 0) return line;
    const fields = line.slice(1, star).split(",");
    const type = (fields[0] ?? "").slice(-3);
    switch (type) {
      case "RMC":
        return (
          this.dated(
            fields,
            1,
            (ms) => {
              const d = new Date(ms);
              const pad = (n: number) => String(n).padStart(2, "0");
              fields[9] = `${pad(d.getUTCDate())}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCFullYear() % 100)}`;
            },
            rmcDate(fields[9] ?? ""),
          ) ?? line
        );
      case "ZDA":
        return (
          this.dated(
            fields,
            1,
            (ms) => {
              const d = new Date(ms);
              fields[2] = String(d.getUTCDate()).padStart(2, "0");
              fields[3] = String(d.getUTCMonth() + 1).padStart(2, "0");
              fields[4] = String(d.getUTCFullYear());
            },
            zdaDate(fields),
          ) ?? line
        );
      case "GGA":
      case "GNS":
        return this.undated(fields, 1) ?? line;
      case "GLL":
        return this.undated(fields, 5) ?? line;
      default:
        return line;
    }
  }

  private dated(
    fields: string[],
    timeIndex: number,
    writeDate: (epochMs: number) => void,
    dayStartMs: number | null,
  ): string | null {
    const tod = timeOfDay(fields[timeIndex] ?? "");
    if (tod === null || dayStartMs === null) return null;
    const recorded = dayStartMs + tod;
    // Whole seconds: the recorded hundredths stay exact, so no time ever prints as 60.00 s.
    if (this.offsetMs === null) this.offsetMs = Math.round((this.now() - recorded) / 1000) * 1000;
    else if (this.lastRecordedMs !== null && recorded < this.lastRecordedMs - 2000)
      this.offsetMs += this.lastRecordedMs - recorded + 1000; // the recording looped
    this.lastRecordedMs = recorded;
    const shifted = recorded + this.offsetMs;
    fields[timeIndex] = formatTime(shifted, fields[timeIndex] ?? "");
    writeDate(shifted);
    return frameSentence(fields.join(","));
  }

  private undated(fields: string[], timeIndex: number): string | null {
    const tod = timeOfDay(fields[timeIndex] ?? "");
    if (tod === null || this.offsetMs === null) return null;
    fields[timeIndex] = formatTime(tod + this.offsetMs, fields[timeIndex] ?? "");
    return frameSentence(fields.join(","));
  }
}

/** RMC's `ddmmyy` → epoch ms of that day (years 80–99 are 19xx), or null. */
function rmcDate(field: string): number | null {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(field);
  if (!m) return null;
  const yy = Number(m[3]);
  return Date.UTC(yy >= 80 ? 1900 + yy : 2000 + yy, Number(m[2]) - 1, Number(m[1]));
}

function zdaDate(fields: readonly string[]): number | null {
  const [day, month, year] = [Number(fields[2]), Number(fields[3]), Number(fields[4])];
  if (!Number.isInteger(day) || !Number.isInteger(month) || !Number.isInteger(year) || year < 1000)
    return null;
  return Date.UTC(year, month - 1, day);
}
