/**
 * The map (issue 6): Leaflet with the tile source from the config when there is one; otherwise (the
 * default: the car may have no network) a plain plot of the car and the mission, north up, with a
 * scale, that says plainly that there is no background map.
 */
import type { UiMission, UiState } from "../../../../../src/contracts/ui-api.ts";
import { LeafletMap } from "../../../../web-build/leaflet-map.tsx";
import * as plot from "../../../../web-build/map-plot.tsx";
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

const width = 800;
const height = 520;
/** Scale bar lengths, metres: the first one longer than 80 px, else 50 km. */
const scaleSteps = [50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000];

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
  const points = [car, target].filter((p): p is Point => p !== null);
  // With nothing to show, nothing is projected: any centre will do.
  const centre =
    points.length === 0
      ? { lat: 45, lon: 0 }
      : {
          lat: points.reduce((sum, p) => sum + p.lat, 0) / points.length,
          lon: points.reduce((sum, p) => sum + p.lon, 0) / points.length,
        };
  const cosLat = plot.longitudeScale(centre.lat);
  const spanM =
    car && target
      ? Math.max(
          400,
          1.4 *
            Math.max(
              Math.abs(car.lat - target.lat) * plot.metresPerDegree,
              Math.abs(car.lon - target.lon) * plot.metresPerDegree * cosLat,
            ),
        )
      : 2000;
  const view = { centre, pxPerM: Math.min(width, height) / spanM, width, height };
  const project = plot.projection(view);
  const scaleM = plot.scaleBarMetres(view.pxPerM, 80, scaleSteps, 50_000);
  const route = fromCarTo(car, target ?? {});
  const carAt = car ? project(car) : null;
  const targetAt = target ? project(target) : null;
  return (
    <plot.PlotFrame
      view={view}
      scaleMetres={scaleM}
      lang={lang}
      caption={t("noTiles")}
      captionClass="banner banner-info"
      label={t("mapLabel")}
      northLabel={t("north")}
      testId="plot-map"
      after={
        route && (
          <p class="plot-route-text">
            {t("distanceBearing", {
              distance: distanceText(route.metres, lang),
              bearing: route.bearingDeg,
              cardinal: cardinal(route.bearingDeg, lang),
            })}
          </p>
        )
      }
    >
      {carAt &&
        [1, 2, 3].map((ring) => (
          <circle key={ring} class="plot-ring" cx={carAt.x} cy={carAt.y} r={ring * scaleM * view.pxPerM} />
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
    </plot.PlotFrame>
  );
}

interface Marks {
  car: Point | null;
  target: Point | null;
}

function TileMap({ tiles, car, target }: Marks & { tiles: NonNullable<UiState["settings"]["tiles"]> }) {
  const { t } = useLang();
  return (
    <LeafletMap
      tiles={tiles}
      label={t("mapLabel")}
      data={{ car, target }}
      redrawOn={[car?.lat, car?.lon, target?.lat, target?.lon]}
      setUp={(L, map) => {
        const carMarker = L.circleMarker([0, 0], { radius: 11, className: "map-car" });
        const missionMarker = L.circleMarker([0, 0], { radius: 13, className: "map-mission" });
        return (marks: Marks) => {
          for (const [marker, point] of [
            [carMarker, marks.car],
            [missionMarker, marks.target],
          ] as const) {
            if (point === null) marker.remove();
            else marker.setLatLng([point.lat, point.lon]).addTo(map);
          }
          const shown = [marks.car, marks.target]
            .filter((p): p is Point => p !== null)
            .map((p) => [p.lat, p.lon] as [number, number]);
          if (shown.length === 2) map.fitBounds(shown, { padding: [60, 60], maxZoom: 17 });
          else if (shown[0]) map.setView(shown[0], 15);
          else map.setView([44.8378, -0.5792], 12);
        };
      }}
    />
  );
}
