/**
 * Line charts as PNG for the reliability suites (issue 9: "plot them over time as a PNG"): each chart
 * is drawn as SVG here, then rendered by Debian's Chromium (playwright-core) and screenshotted, so no
 * plotting library is needed and the charts look the same on every machine.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "./kiosk-browser.ts";

export interface ChartSeries {
  label: string;
  color: string;
  points: ReadonlyArray<{ x: number; y: number }>;
}

export interface Chart {
  /** File name without folder, e.g. `soak-rss.png`. */
  file: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Horizontal reference lines (a limit). */
  lines?: ReadonlyArray<{ y: number; label: string; color: string }>;
  /** Shaded x ranges (warm-up, reference and final windows). */
  bands?: ReadonlyArray<{ from: number; to: number; label: string; color: string }>;
}

const width = 960;
const height = 420;
const margin = { left: 80, right: 24, top: 48, bottom: 72 };

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 1 : 0);
}

export function chartSvg(chart: Chart): string {
  const xs = chart.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [
    ...chart.series.flatMap((s) => s.points.map((p) => p.y)),
    ...(chart.lines ?? []).map((l) => l.y),
  ];
  const xMax = Math.max(...xs, 1e-9);
  const yStep = niceStep(Math.max(...ys, 1) * 1.05, 6);
  const yMax = Math.ceil((Math.max(...ys, 1) * 1.05) / yStep) * yStep;
  const xStep = niceStep(xMax, 12);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const sx = (x: number) => margin.left + (x / xMax) * plotW;
  const sy = (y: number) => margin.top + plotH - (y / yMax) * plotH;
  const parts: string[] = [];
  for (const band of chart.bands ?? []) {
    const x0 = sx(Math.max(0, band.from));
    const x1 = sx(Math.min(xMax, band.to));
    parts.push(
      `<rect x="${x0}" y="${margin.top}" width="${Math.max(0, x1 - x0)}" height="${plotH}" fill="${band.color}"/>`,
      `<text x="${(x0 + x1) / 2}" y="${margin.top + 14}" font-size="11" text-anchor="middle" fill="#555">${escapeXml(band.label)}</text>`,
    );
  }
  for (let y = 0; y <= yMax + 1e-9; y += yStep)
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`,
      `<text x="${margin.left - 8}" y="${sy(y) + 4}" font-size="12" text-anchor="end">${format(y)}</text>`,
    );
  for (let x = 0; x <= xMax + 1e-9; x += xStep)
    parts.push(
      `<line x1="${sx(x)}" x2="${sx(x)}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 5}" stroke="#333"/>`,
      `<text x="${sx(x)}" y="${margin.top + plotH + 20}" font-size="12" text-anchor="middle">${format(x)}</text>`,
    );
  for (const line of chart.lines ?? [])
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${sy(line.y)}" y2="${sy(line.y)}" stroke="${line.color}" stroke-dasharray="6 4" stroke-width="1.5"/>`,
      `<text x="${width - margin.right - 4}" y="${sy(line.y) - 5}" font-size="12" text-anchor="end" fill="${line.color}">${escapeXml(line.label)}</text>`,
    );
  chart.series.forEach((series, i) => {
    const path = series.points.map(
      (p, k) => `${k === 0 ? "M" : "L"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`,
    );
    parts.push(
      `<path d="${path.join(" ")}" fill="none" stroke="${series.color}" stroke-width="2"/>`,
      `<rect x="${margin.left + 10 + i * 220}" y="${height - 16}" width="14" height="4" fill="${series.color}"/>`,
      `<text x="${margin.left + 30 + i * 220}" y="${height - 10}" font-size="12">${escapeXml(series.label)}</text>`,
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${margin.left}" y="26" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
    ...parts,
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#333"/>`,
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 32}" font-size="12" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" font-size="12" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
    "</svg>",
  ].join("\n");
}

/** Renders every chart to `outDir/<file>`; returns the paths written. */
export async function renderCharts(charts: readonly Chart[], outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    const written: string[] = [];
    for (const chart of charts) {
      await page.setContent(`<!doctype html><body style="margin:0">${chartSvg(chart)}</body>`);
      const path = join(outDir, chart.file);
      await page.locator("svg").screenshot({ path });
      written.push(path);
    }
    return written;
  } finally {
    await browser.close();
  }
}
