/**
 * What every benchmark returns, and how `npm run bench` prints it. A figure is only meaningful
 * against a baseline measured in the same run on the same machine, so a metric may carry one and
 * the ratio between them; `goal` states what the ratio (or value) should be, in words.
 */
export interface BenchMetric {
  label: string;
  value: number;
  unit: string;
  baseline?: { label: string; value: number; unit: string };
  /** value / baseline.value, when both are in the same unit. */
  ratio?: number;
  goal?: string;
}

export interface BenchResult {
  name: string;
  metrics: BenchMetric[];
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

/** Prints one benchmark as an aligned text table on stdout. */
export function printBench(
  result: BenchResult,
  write: (text: string) => void = (t) => process.stdout.write(t),
): void {
  const rows = result.metrics.map((m) => [
    m.label,
    `${format(m.value)} ${m.unit}`,
    m.baseline ? `${m.baseline.label}: ${format(m.baseline.value)} ${m.baseline.unit}` : "",
    m.ratio === undefined ? "" : `× ${m.ratio.toFixed(2)}`,
    m.goal ?? "",
  ]);
  const header = ["metric", "value", "baseline", "ratio", "goal"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd()}\n`;
  write(`${result.name}\n`);
  write(line(header));
  write(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) write(line(row));
}
