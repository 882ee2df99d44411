/**
 * The live map: Leaflet over the configured tile source, or (the default, and whenever the control
 * room has no tile server) an SVG plot of the cars, north up, with a scale, that says plainly that
 * there is no background map. The same component replays a car's track (a polyline and a cursor).
 */
import { useEffect, useRef } from "preact/hooks";
import { distanceText } from "../../../../kiosk/renderer/src/format.ts";
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

export interface MapTiles {
  url: string;
  attribution: string;
}

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

const metresPerDegree = 111_320;
const width = 900;
const height = 600;

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
  const cosLat = Math.cos((centre.lat * Math.PI) / 180);
  const spanM = Math.max(
    1000,
    1.25 *
      Math.max(
        ((Math.max(...lats, centre.lat) - Math.min(...lats, centre.lat)) * metresPerDegree * width) / height,
        (Math.max(...lons, centre.lon) - Math.min(...lons, centre.lon)) * metresPerDegree * cosLat,
      ),
  );
  const pxPerM = width / spanM;
  const project = (p: Point) => ({
    x: width / 2 + (p.lon - centre.lon) * metresPerDegree * cosLat * pxPerM,
    y: height / 2 - (p.lat - centre.lat) * metresPerDegree * pxPerM,
  });
  const scaleM =
    [100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000].find((m) => m * pxPerM > 90) ??
    200_000;
  const trackPath = (track?.points ?? [])
    .map((p, i) => {
      const at = project(p);
      return `${i === 0 ? "M" : "L"}${at.x.toFixed(1)} ${at.y.toFixed(1)}`;
    })
    .join(" ");
  const cursor = track?.cursor ? project(track.cursor) : null;
  return (
    <figure class="plot-map" data-testid={testId ?? "plot-map"}>
      <figcaption class="map-caption">{t("noTiles")}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t("mapLabel")}>
        <title>{t("mapLabel")}</title>
        <rect class="plot-bg" x="0" y="0" width={width} height={height} />
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
        <g transform="translate(40 60)">
          <path class="plot-north" d="M0 -30 L10 0 L0 -6 L-10 0 Z" />
          <text class="plot-label" x="-6" y="22">
            {t("north")}
          </text>
        </g>
        <g transform={`translate(30 ${height - 30})`}>
          <line class="plot-scale" x1="0" y1="0" x2={scaleM * pxPerM} y2="0" />
          <text class="plot-label" x="0" y="-10">
            {distanceText(scaleM, lang)}
          </text>
        </g>
      </svg>
    </figure>
  );
}

interface LeafletHandle {
  update: (props: FleetMapProps) => void;
  remove: () => void;
}

function TileMap(props: FleetMapProps & { tiles: MapTiles }) {
  const { t } = useLang();
  const element = useRef<HTMLDivElement>(null);
  const handle = useRef<LeafletHandle | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const { url, attribution } = props.tiles;
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      // Loaded only when tiles are configured: the plot needs none of it.
      const L = await import("leaflet");
      await import("leaflet/dist/leaflet.css");
      if (cancelled || element.current === null) return;
      const map = L.map(element.current, { zoomControl: true, attributionControl: true });
      map.attributionControl.setPrefix(false);
      L.tileLayer(url, { attribution, maxZoom: 19 }).addTo(map);
      const layer = L.layerGroup().addTo(map);
      let fitted = false;
      const update = (current: FleetMapProps) => {
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
        if (cursor)
          L.circleMarker([cursor.lat, cursor.lon], { radius: 8, className: "map-cursor" }).addTo(layer);
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
      handle.current = { update, remove: () => map.remove() };
      update(latest.current);
    })();
    return () => {
      cancelled = true;
      handle.current?.remove();
      handle.current = null;
    };
  }, [url, attribution]);
  useEffect(() => {
    handle.current?.update(props);
  });
  return (
    <div
      class="tile-map"
      ref={element}
      role="application"
      aria-label={t("mapLabel")}
      data-testid="tile-map"
    />
  );
}
