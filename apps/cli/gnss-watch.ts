/**
 * `sosm gnss watch --port P [--baud B]`: a live, readable view of a receiver for technicians
 * installing or checking a car. It shows the link (and its retries), the last fix, satellites and
 * the decoder's counts, refreshed every second. Nothing is stored.
 */
import { formatFix } from "../../src/app/fix-format.ts";
import { createLogger } from "../../src/app/logger.ts";
import { GnssPipeline } from "../../src/io/gnss/gnss-pipeline.ts";
import { SerialLineSource } from "../../src/io/serial-line-source.ts";
import { GpsTracker } from "../../src/services/gps-tracker.ts";
import { systemClock } from "../../src/services/ports.ts";

export interface WatchOptions {
  port: string;
  baudRate: number;
  language: "fr" | "en";
  stdout: NodeJS.WriteStream;
}

/** The watch view keeps no track: fixes are only shown. */
const noTrack = { append: () => {} };

export async function gnssWatch(options: WatchOptions): Promise<number> {
  const logger = createLogger({ name: "gnss-watch", level: "warn" });
  const source = new SerialLineSource({ path: options.port, baudRate: options.baudRate, logger });
  const tracker = new GpsTracker({
    source,
    decoder: new GnssPipeline({}),
    track: noTrack,
    clock: systemClock,
    logger,
  });
  let lastLines: string[] = [];
  source.onLine((line) => {
    lastLines = [...lastLines.slice(-5), line];
  });
  tracker.start();
  const render = () => {
    const health = tracker.health(options.language);
    const link = tracker.linkStatus();
    const fix = tracker.latestFix();
    const counts = Object.entries(tracker.counts())
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `  ${k.padEnd(26)} ${v}`);
    const view = [
      `${options.port} @ ${options.baudRate} baud — ${link.state}${link.state === "retrying" ? ` (${Math.ceil(link.retryInMs / 1000)} s: ${link.lastError})` : ""}`,
      health.summary,
      fix ? formatFix(fix) : "—",
      "",
      "Last sentences:",
      ...lastLines.map((l) => `  ${l}`),
      "",
      "Counts:",
      ...counts,
    ];
    if (options.stdout.isTTY) options.stdout.write("\x1b[2J\x1b[H");
    options.stdout.write(`${view.join("\n")}\n${options.stdout.isTTY ? "" : "\n"}`);
  };
  const timer = setInterval(render, 1000);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  clearInterval(timer);
  await tracker.stop();
  return 0;
}
