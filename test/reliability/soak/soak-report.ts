/**
 * The soak's figures: bounded verdicts per metric (bounded.ts), the JSON for
 * test-artifacts/reliability/soak.json, a short stdout summary, and the charts.
 */
import { type Chart, renderCharts } from "../../support/soak-plot.ts";
import {
  type BoundedMetric,
  type BoundVerdict,
  boundRules,
  judgeBounded,
  mb,
  type Point,
} from "./bounded.ts";
import type { SoakSample } from "./soak-run.ts";

export type Verdicts = Record<BoundedMetric, BoundVerdict>;

const metricOf: Record<BoundedMetric, (s: SoakSample) => number> = {
  rss: (s) => s.rss,
  heapUsed: (s) => s.heapUsed,
  dbBytes: (s) => s.dbBytes,
  walBytes: (s) => s.walBytes,
  fds: (s) => s.fds,
  handles: (s) => s.handles,
};

function points(samples: readonly SoakSample[], metric: (s: SoakSample) => number): Point[] {
  return samples.map((s) => ({ hour: s.hour, value: metric(s) }));
}

export function judge(samples: readonly SoakSample[], hours: number): Verdicts {
  const verdicts = {} as Verdicts;
  for (const metric of Object.keys(boundRules) as BoundedMetric[])
    verdicts[metric] = judgeBounded(points(samples, metricOf[metric]), hours, boundRules[metric]);
  return verdicts;
}

/** The core's warnings and errors (pino JSON lines, level ≥ 40), counted by message. */
export function logSummary(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of output.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      if ((entry.level ?? 0) < 40) continue;
      // Figures in a message ("no heartbeat for 6 s") would split one kind of event into many.
      const msg = (entry.msg ?? "?").replace(/\d+/g, "N").slice(0, 100);
      const key = `${entry.level === 40 ? "warn" : "error"}: ${msg}`;
      counts[key] = (counts[key] ?? 0) + 1;
    } catch {
      counts["(not JSON)"] = (counts["(not JSON)"] ?? 0) + 1;
    }
  }
  return counts;
}

export function maxOf(samples: readonly SoakSample[], metric: (s: SoakSample) => number): number {
  return samples.reduce((max, s) => Math.max(max, metric(s)), 0);
}

const toMb = (bytes: number) => Math.round((bytes / mb) * 10) / 10;

export function summaryLines(figures: {
  variant: string;
  hours: number;
  rate: number;
  realS: number;
  cyclesPerS: number;
  burstCyclesPerS: number;
  samples: readonly SoakSample[];
  verdicts: Verdicts;
}): string[] {
  const { samples, verdicts } = figures;
  const last = samples[samples.length - 1];
  const line = (name: string, metric: BoundedMetric, unit: (n: number) => string) => {
    const v = verdicts[metric];
    const max = maxOf(samples, metricOf[metric]);
    return (
      `  ${name.padEnd(8)} max ${unit(max).padEnd(9)} final ${unit(v.last).padEnd(9)} ` +
      `last-quarter max ${unit(v.finalMax).padEnd(9)} ≤ ${unit(v.limit).padEnd(9)} ${v.ok ? "bounded" : "NOT BOUNDED"}`
    );
  };
  const inMb = (n: number) => `${toMb(n)} MB`;
  const count = (n: number) => String(Math.round(n));
  return [
    `soak (${figures.variant}): ${figures.hours} simulated h at ×${figures.rate} in ${figures.realS.toFixed(0)} s real; ` +
      `feed ${figures.cyclesPerS.toFixed(0)} cycles/s paced; unpaced, the core stored ${figures.burstCyclesPerS.toFixed(0)} fixes/s`,
    line("RSS", "rss", inMb),
    line("heap", "heapUsed", inMb),
    line("SQLite", "dbBytes", inMb),
    line("WAL", "walBytes", inMb),
    line("fds", "fds", count),
    line("handles", "handles", count),
    `  track rows kept ${last?.trackRows ?? 0}, pruned ${last?.pruned ?? 0}; positions at dispatch ${last?.dispatchPositions ?? 0}`,
  ];
}

/** One PNG per metric, with the bound's windows shaded and its limit drawn. */
export async function writeCharts(
  samples: readonly SoakSample[],
  hours: number,
  verdicts: Verdicts,
  outDir: string,
): Promise<string[]> {
  const bands = [
    { from: 0, to: hours / 8, label: "warm-up", color: "#f2f2f2" },
    { from: hours / 8, to: hours / 8 + hours / 4, label: "reference", color: "#e6f0fa" },
    { from: (hours * 3) / 4, to: hours, label: "final quarter", color: "#faf0e6" },
  ];
  const series = (label: string, color: string, metric: (s: SoakSample) => number, scale = 1) => ({
    label,
    color,
    points: samples.map((s) => ({ x: s.hour, y: metric(s) / scale })),
  });
  const limit = (metric: BoundedMetric, scale = 1) => [
    { y: verdicts[metric].limit / scale, label: "bound", color: "#c0392b" },
  ];
  const xLabel = "simulated hours of the shift";
  const charts: Chart[] = [
    {
      file: "soak-rss.png",
      title: "Core RSS (VmRSS)",
      xLabel,
      yLabel: "MB",
      series: [series("RSS", "#1f77b4", (s) => s.rss, mb)],
      lines: limit("rss", mb),
      bands,
    },
    {
      file: "soak-heap.png",
      title: "Core V8 heap",
      xLabel,
      yLabel: "MB",
      series: [
        series("heap used", "#2ca02c", (s) => s.heapUsed, mb),
        series("heap total", "#98df8a", (s) => s.heapTotal, mb),
      ],
      lines: limit("heapUsed", mb),
      bands,
    },
    {
      file: "soak-db.png",
      title: "SQLite file (core.sqlite)",
      xLabel,
      yLabel: "MB",
      series: [series("core.sqlite", "#9467bd", (s) => s.dbBytes, mb)],
      lines: limit("dbBytes", mb),
      bands,
    },
    {
      file: "soak-wal.png",
      title: "SQLite WAL (core.sqlite-wal)",
      xLabel,
      yLabel: "MB",
      series: [series("core.sqlite-wal", "#8c564b", (s) => s.walBytes, mb)],
      lines: limit("walBytes", mb),
      bands,
    },
    {
      file: "soak-handles.png",
      title: "Open file descriptors and active libuv handles",
      xLabel,
      yLabel: "count",
      series: [series("fds", "#d62728", (s) => s.fds), series("active handles", "#ff7f0e", (s) => s.handles)],
      lines: [
        { y: verdicts.fds.limit, label: "fds bound", color: "#d62728" },
        { y: verdicts.handles.limit, label: "handles bound", color: "#ff7f0e" },
      ],
      bands,
    },
  ];
  return renderCharts(charts, outDir);
}
