/**
 * The map both UIs draw when no tile server is configured (the default: the car may have no network,
 * a control room no tile server it may use): an SVG plot, north up, with a north arrow and a scale
 * bar, whose caption says plainly that there is no background map. Each UI draws its own marks on
 * it (the car and its mission; the fleet and a replayed track).
 */
import type { ComponentChildren } from "preact";
import type { LatLon } from "../../src/domain/geo.ts";
import { distanceText } from "./clock-distance-text.ts";
import type { Lang } from "./i18n.ts";

/**
 * Metres per degree of latitude (and of longitude at the equator): a flat projection around the
 * centre is exact enough over the few kilometres a plot shows.
 */
export const metresPerDegree = 111_320;

/** How much shorter a degree of longitude is at this latitude. */
export function longitudeScale(lat: number): number {
  return Math.cos((lat * Math.PI) / 180);
}

export interface PlotView {
  centre: LatLon;
  pxPerM: number;
  width: number;
  height: number;
}

export interface PlotPoint {
  x: number;
  y: number;
}

/** Where a position falls on the plot, in SVG units. */
export function projection({ centre, pxPerM, width, height }: PlotView): (p: LatLon) => PlotPoint {
  const cosLat = longitudeScale(centre.lat);
  return (p) => ({
    x: width / 2 + (p.lon - centre.lon) * metresPerDegree * cosLat * pxPerM,
    y: height / 2 - (p.lat - centre.lat) * metresPerDegree * pxPerM,
  });
}

/** The scale bar's length: the first of `steps` (metres) drawn longer than `minPx`, else `longest`. */
export function scaleBarMetres(
  pxPerM: number,
  minPx: number,
  steps: readonly number[],
  longest: number,
): number {
  return steps.find((m) => m * pxPerM > minPx) ?? longest;
}

export interface PlotFrameProps {
  view: PlotView;
  scaleMetres: number;
  lang: Lang;
  /** "No background map…" */
  caption: string;
  captionClass: string;
  /** The plot's accessible name. */
  label: string;
  northLabel: string;
  testId: string;
  /** The UI's marks, drawn over the background and under the north arrow and the scale. */
  children: ComponentChildren;
  /** Shown under the plot. */
  after?: ComponentChildren;
}

export function PlotFrame(props: PlotFrameProps) {
  const { view, scaleMetres, lang, caption, captionClass, label, northLabel, testId, children, after } =
    props;
  const { width, height, pxPerM } = view;
  return (
    <figure class="plot-map" data-testid={testId}>
      <figcaption class={captionClass}>{caption}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        <rect class="plot-bg" x="0" y="0" width={width} height={height} />
        {children}
        <g transform="translate(40 60)">
          <path class="plot-north" d="M0 -30 L10 0 L0 -6 L-10 0 Z" />
          <text class="plot-label" x="-6" y="22">
            {northLabel}
          </text>
        </g>
        <g transform={`translate(30 ${height - 30})`}>
          <line class="plot-scale" x1="0" y1="0" x2={scaleMetres * pxPerM} y2="0" />
          <text class="plot-label" x="0" y="-10">
            {distanceText(scaleMetres, lang)}
          </text>
        </g>
      </svg>
      {after}
    </figure>
  );
}
