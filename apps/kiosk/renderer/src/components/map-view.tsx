/**
 * The map (issue 6): Leaflet with the tile source from the config when there is one; otherwise (the
 * default: the car may have no network) a plain plot of the car and the mission, north up, with a
 * scale, that says plainly that there is no background map.
 */
import { useEffect, useRef } from "preact/hooks";
import type { UiMission, UiState } from "../../../../../src/contracts/ui-api.ts";
import { cardinal, distanceText, fromCarTo } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import { useKiosk } from "../kiosk-context.ts";

interface Point {
  lat: number;
  lon: number;
}

function missionPoint(mission: UiMission | undefined | null): Point | null {
  const address = mission?.address;
  return address?.lat === undefined || address.lon === undefined
    ? null
    : { lat: address.lat, lon: address.lon };
}

export function MapView() {
  const { state } = useKiosk();
  const mission = state.missions.active ?? state.missions.pending[0] ?? null;
  const car = state.gnss.fix;
  const target = missionPoint(mission);
  return state.settings.tiles === null ? (
    <PlotMap car={car} heading={car?.heading ?? null} target={target} />
  ) : (
    <TileMap tiles={state.settings.tiles} car={car} target={target} />
  );
}

const metresPerDegree = 111_320;

function PlotMap({
  car,
  heading,
  target,
}: {
  car: Point | null;
  heading: number | null;
  target: Point | null;
}) {
  const { t, lang } = useLang();
  const width = 800;
  const height = 520;
  const points = [car, target].filter((p): p is Point => p !== null);
  const centre =
    points.length === 0
      ? null
      : {
          lat: points.reduce((sum, p) => sum + p.lat, 0) / points.length,
          lon: points.reduce((sum, p) => sum + p.lon, 0) / points.length,
        };
  const cosLat = Math.cos(((centre?.lat ?? 45) * Math.PI) / 180);
  const spanM =
    car && target
      ? Math.max(
          400,
          1.4 *
            Math.max(
              Math.abs(car.lat - target.lat) * metresPerDegree,
              Math.abs(car.lon - target.lon) * metresPerDegree * cosLat,
            ),
        )
      : 2000;
  const pxPerM = Math.min(width, height) / spanM;
  const project = (p: Point) => ({
    x: width / 2 + (p.lon - (centre?.lon ?? 0)) * metresPerDegree * cosLat * pxPerM,
    y: height / 2 - (p.lat - (centre?.lat ?? 0)) * metresPerDegree * pxPerM,
  });
  const scaleM = [50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000].find((m) => m * pxPerM > 80) ?? 50_000;
  const route = fromCarTo(car, target ?? {});
  const carAt = car ? project(car) : null;
  const targetAt = target ? project(target) : null;
  return (
    <figure class="plot-map" data-testid="plot-map">
      <figcaption class="banner banner-info">{t("noTiles")}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={t("mapLabel")}>
        <title>{t("mapLabel")}</title>
        <rect class="plot-bg" x="0" y="0" width={width} height={height} />
        {carAt &&
          [1, 2, 3].map((ring) => (
            <circle key={ring} class="plot-ring" cx={carAt.x} cy={carAt.y} r={ring * scaleM * pxPerM} />
          ))}
        {carAt && targetAt && (
          <line class="plot-route" x1={carAt.x} y1={carAt.y} x2={targetAt.x} y2={targetAt.y} />
        )}
        {targetAt && (
          <g transform={`translate(${targetAt.x} ${targetAt.y})`} data-testid="plot-mission">
            <path class="plot-mission" d="M0 0 L-14 -30 A16 16 0 1 1 14 -30 Z" />
            <text class="plot-label" x="20" y="-20">
              {t("missionPin")}
            </text>
          </g>
        )}
        {carAt && (
          <g transform={`translate(${carAt.x} ${carAt.y}) rotate(${heading ?? 0})`} data-testid="plot-car">
            {heading === null ? (
              <circle class="plot-car" r="14" />
            ) : (
              <path class="plot-car" d="M0 -20 L13 14 L0 7 L-13 14 Z" />
            )}
          </g>
        )}
        {carAt && (
          <text class="plot-label" x={carAt.x + 20} y={carAt.y + 30}>
            {t("car")}
          </text>
        )}
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
      {route && (
        <p class="plot-route-text">
          {t("distanceBearing", {
            distance: distanceText(route.metres, lang),
            bearing: route.bearingDeg,
            cardinal: cardinal(route.bearingDeg, lang),
          })}
        </p>
      )}
    </figure>
  );
}

function TileMap({
  tiles,
  car,
  target,
}: {
  tiles: NonNullable<UiState["settings"]["tiles"]>;
  car: Point | null;
  target: Point | null;
}) {
  const { t } = useLang();
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<{
    update: (car: Point | null, target: Point | null) => void;
    remove: () => void;
  } | null>(null);
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      // Loaded only when tiles are configured: the plot needs none of it.
      const L = await import("leaflet");
      await import("leaflet/dist/leaflet.css");
      if (cancelled || element.current === null) return;
      const leaflet = L.map(element.current, { zoomControl: true, attributionControl: true });
      leaflet.attributionControl.setPrefix(false);
      L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(leaflet);
      const carMarker = L.circleMarker([0, 0], { radius: 11, className: "map-car" });
      const missionMarker = L.circleMarker([0, 0], { radius: 13, className: "map-mission" });
      const update = (c: Point | null, m: Point | null) => {
        for (const [marker, point] of [
          [carMarker, c],
          [missionMarker, m],
        ] as const) {
          if (point === null) marker.remove();
          else marker.setLatLng([point.lat, point.lon]).addTo(leaflet);
        }
        const shown = [c, m]
          .filter((p): p is Point => p !== null)
          .map((p) => [p.lat, p.lon] as [number, number]);
        if (shown.length === 2) leaflet.fitBounds(shown, { padding: [60, 60], maxZoom: 17 });
        else if (shown[0]) leaflet.setView(shown[0], 15);
        else leaflet.setView([44.8378, -0.5792], 12);
      };
      map.current = { update, remove: () => leaflet.remove() };
      update(car, target);
    })();
    return () => {
      cancelled = true;
      map.current?.remove();
      map.current = null;
    };
  }, [tiles.url, tiles.attribution]);
  useEffect(() => {
    map.current?.update(car, target);
  }, [car?.lat, car?.lon, target?.lat, target?.lon]);
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
