/**
 * The map both UIs show when a tile server is configured: Leaflet over that server, loaded only then
 * (the plot needs none of it). Each UI says what to draw: `setUp` gets Leaflet and the map once they
 * are loaded and returns the function that draws `data` on it, called at once with the newest data
 * and again at each change (of `redrawOn` when given, else at each render).
 */
import type * as Leaflet from "leaflet";
import { useEffect, useRef } from "preact/hooks";

export interface TileSource {
  url: string;
  attribution: string;
}

export type DrawOnMap<Data> = (data: Data) => void;

export interface LeafletMapProps<Data> {
  tiles: TileSource;
  /** The map's accessible name. */
  label: string;
  data: Data;
  setUp: (L: typeof Leaflet, map: Leaflet.Map) => DrawOnMap<Data>;
  redrawOn?: readonly unknown[];
}

export function LeafletMap<Data>({ tiles, label, data, setUp, redrawOn }: LeafletMapProps<Data>) {
  const element = useRef<HTMLDivElement>(null);
  const handle = useRef<{ draw: DrawOnMap<Data>; remove: () => void } | null>(null);
  // The map loads asynchronously: it must then draw the data of the latest render, not the first.
  const latest = useRef(data);
  latest.current = data;
  const { url, attribution } = tiles;
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const L = await import("leaflet");
      await import("leaflet/dist/leaflet.css");
      if (cancelled || element.current === null) return;
      const map = L.map(element.current, { zoomControl: true, attributionControl: true });
      map.attributionControl.setPrefix(false);
      L.tileLayer(url, { attribution, maxZoom: 19 }).addTo(map);
      const draw = setUp(L, map);
      handle.current = { draw, remove: () => map.remove() };
      draw(latest.current);
    })();
    return () => {
      cancelled = true;
      handle.current?.remove();
      handle.current = null;
    };
  }, [url, attribution]);
  useEffect(() => {
    handle.current?.draw(latest.current);
  }, redrawOn);
  return <div class="tile-map" ref={element} role="application" aria-label={label} data-testid="tile-map" />;
}
