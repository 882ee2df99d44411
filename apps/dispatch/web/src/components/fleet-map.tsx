/**
 * The live map: Leaflet over the configured tile source, or (the default, and whenever the control
 * room has no tile server) an SVG plot of the cars, north up, with a scale, that says plainly that
 * there is no background map. The same component replays a car's track (a polyline and a cursor).
 */
import type * as Leaflet from "leaflet";
import { LeafletMap, type TileSource } from "../../../../web-build/leaflet-map.tsx";
import * as plot from "../../../../web-build/map-plot.tsx";
import { useLang } from "../i18n/i18n.ts";

export interface MapCar {
  vehicle: string;
  lat: number;
  lon: number;
  heading: number | null;
  /** Drives the colour: alarm over everything, then stale, then busy/available. */
  tone: "alarm" | "stale" | "busy" | "available";
  selected: boolean;
}

export interface MapMission {
  missionId: string;
  lat: number;
  lon: number;
}

export interface MapTrack {
  points: ReadonlyArray<{ lat: number; lon: number }>;
  cursor: { lat: number; lon: number } | null;
}

export type MapTiles = TileSource;

export interface FleetMapProps {
  cars: readonly MapCar[];
  missions: readonly MapMission[];
  track?: MapTrack | null;
  tiles: MapTiles | null;
  onSelect?: (vehicle: string) => void;
  testId?: string;
}

export function FleetMap(props: FleetMapProps) {
  return props.tiles === null ? <PlotMap {...props} /> : <TileMap {...props} tiles={props.tiles} />;
}

interface Point {
  lat: number;
  lon: number;
}

const width = 900;
const height = 600;
/** Scale bar lengths, metres: the first one longer than 90 px, else 200 km. */
const scaleSteps = [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

function PlotMap({ cars, missions, track, onSelect, testId }: FleetMapProps) {
  const { t, lang } = useLang();
  const all: Point[] = [...cars, ...missions, ...(track?.points ?? [])];
  const lats = all.map((p) => p.lat);
  const lons = all.map((p) => p.lon);
  const centre =
    all.length === 0
      ? { lat: 44.8378, lon: -0.5792 }
      : {
          lat: (Math.min(...lats) + Math.max(...lats)) / 2,
          lon: (Math.min(...lons) + Math.max(...lons)) / 2,
        };
  const cosLat = plot.longitudeScale(centre.lat);
  const spanM = Math.max(
    1000,
    1.25 *
      Math.max(
        ((Math.max(...lats, centre.lat) - Math.min(...lats, centre.lat)) * plot.metresPerDegree * width) /
          height,
        (Math.max(...lons, centre.lon) - Math.min(...lons, centre.lon)) * plot.metresPerDegree * cosLat,
      ),
  );
  const view = { centre, pxPerM: width / spanM, width, height };
  const project = plot.projection(view);
  const trackPath = (track?.points ?? [])
    .map((p, i) => {
      const at = project(p);
      return `${i === 0 ? "M" : "L"}${at.x.toFixed(1)} ${at.y.toFixed(1)}`;
    })
    .join(" ");
  const cursor = track?.cursor ? project(track.cursor) : null;
  return (
    <plot.PlotFrame
      view={view}
      scaleMetres={plot.scaleBarMetres(view.pxPerM, 90, scaleSteps, 200_000)}
      lang={lang}
      caption={t("noTiles")}
      captionClass="map-caption"
      label={t("mapLabel")}
      northLabel={t("north")}
      testId={testId ?? "plot-map"}
    >
      {trackPath !== "" && <path class="plot-track" d={trackPath} data-testid="plot-track" />}
      {missions.map((mission) => {
        const at = project(mission);
        return (
          <g key={mission.missionId} transform={`translate(${at.x} ${at.y})`} data-testid="plot-mission">
            <path class="plot-mission" d="M0 0 L-9 -20 A11 11 0 1 1 9 -20 Z" />
            <text class="plot-label" x="14" y="-14">
              {mission.missionId}
            </text>
          </g>
        );
      })}
      {cars.map((car) => {
        const at = project(car);
        return (
          // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; keyboard use is handled below.
          <g
            key={car.vehicle}
            class={`plot-car-group tone-${car.tone}${car.selected ? " selected" : ""}`}
            transform={`translate(${at.x} ${at.y})`}
            data-testid={`plot-car-${car.vehicle}`}
            role="button"
            tabIndex={0}
            aria-label={car.vehicle}
            onClick={() => onSelect?.(car.vehicle)}
            onKeyDown={(event) => {
              if (event.key === "Enter" || event.key === " ") onSelect?.(car.vehicle);
            }}
          >
            <g transform={`rotate(${car.heading ?? 0})`}>
              {car.heading === null ? (
                <circle class="plot-car" r="10" />
              ) : (
                <path class="plot-car" d="M0 -14 L9 10 L0 5 L-9 10 Z" />
              )}
            </g>
            <text class="plot-label" x="14" y="5">
              {car.vehicle}
            </text>
          </g>
        );
      })}
      {cursor && <circle class="plot-cursor" cx={cursor.x} cy={cursor.y} r="9" data-testid="plot-cursor" />}
    </plot.PlotFrame>
  );
}

function TileMap(props: FleetMapProps & { tiles: MapTiles }) {
  const { t } = useLang();
  return <LeafletMap tiles={props.tiles} label={t("mapLabel")} data={props} setUp={drawFleet} />;
}

/** The fleet's layer on the tile map, drawn again at each render. */
function drawFleet(L: typeof Leaflet, map: Leaflet.Map): (props: FleetMapProps) => void {
  const layer = L.layerGroup().addTo(map);
  let fitted = false;
  return (current) => {
    layer.clearLayers();
    const points: Array<[number, number]> = [];
    const track = current.track?.points ?? [];
    if (track.length > 1)
      L.polyline(
        track.map((p) => [p.lat, p.lon] as [number, number]),
        { className: "map-track" },
      ).addTo(layer);
    for (const mission of current.missions) {
      L.circleMarker([mission.lat, mission.lon], { radius: 10, className: "map-mission" }).addTo(layer);
      points.push([mission.lat, mission.lon]);
    }
    for (const car of current.cars) {
      L.circleMarker([car.lat, car.lon], { radius: 9, className: `map-car tone-${car.tone}` })
        .bindTooltip(car.vehicle, { permanent: true, direction: "right" })
        .on("click", () => current.onSelect?.(car.vehicle))
        .addTo(layer);
      points.push([car.lat, car.lon]);
    }
    const cursor = current.track?.cursor;
    if (cursor) L.circleMarker([cursor.lat, cursor.lon], { radius: 8, className: "map-cursor" }).addTo(layer);
    // Fit once (then the operator's pan and zoom are kept), and again for a replayed track.
    if (track.length > 1)
      map.fitBounds(
        track.map((p) => [p.lat, p.lon] as [number, number]),
        { padding: [40, 40] },
      );
    else if (!fitted && points.length > 0) {
      map.fitBounds(points, { padding: [60, 60], maxZoom: 15 });
      fitted = true;
    } else if (!fitted) map.setView([44.8378, -0.5792], 12);
  };
}
