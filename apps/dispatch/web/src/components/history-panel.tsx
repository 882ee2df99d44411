/**
 * A car's history: the timeline of what it sent (statuses, mission acknowledgements, alarms,
 * messages, reports) and the replay of its track over the same period, with a slider and a play
 * button that moves a cursor along the stored fixes.
 */
import { useEffect, useState } from "preact/hooks";
import type { TimelineEntry, TrackPoint } from "../api.ts";
import { clockTime, dateTime, parseTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";
import { FleetMap, type MapTiles } from "./fleet-map.tsx";

const periods = [1, 6, 24] as const;

export interface HistoryData {
  timeline: TimelineEntry[];
  track: TrackPoint[];
}

export interface HistoryPanelProps {
  vehicle: string;
  now: number;
  tiles: MapTiles | null;
  /** Loads the last `hours` of the car's timeline and track. */
  load: (vehicle: string, hours: number) => Promise<HistoryData | string>;
  describe: (entry: TimelineEntry) => string;
}

export function HistoryPanel({ vehicle, now, tiles, load, describe }: HistoryPanelProps) {
  const { t, lang } = useLang();
  const [hours, setHours] = useState<(typeof periods)[number]>(1);
  const [data, setData] = useState<HistoryData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [index, setIndex] = useState(0);
  const [playing, setPlaying] = useState(false);

  useEffect(() => {
    let cancelled = false;
    setData(null);
    setError(null);
    setPlaying(false);
    void load(vehicle, hours).then((result) => {
      if (cancelled) return;
      if (typeof result === "string") setError(result);
      else {
        setData(result);
        setIndex(Math.max(0, result.track.length - 1));
      }
    });
    return () => {
      cancelled = true;
    };
  }, [vehicle, hours, reload, load]);

  const track = data?.track ?? [];
  useEffect(() => {
    if (!playing) return;
    // Ten fixes a second: a 20-minute drive at 1 Hz replays in two minutes.
    const timer = setInterval(() => {
      setIndex((i) => {
        if (i + 1 >= track.length) {
          setPlaying(false);
          return i;
        }
        return i + 1;
      });
    }, 100);
    return () => clearInterval(timer);
  }, [playing, track.length]);

  const cursor = track[Math.min(index, track.length - 1)] ?? null;
  const cursorAt = parseTime(cursor?.fixTime);
  return (
    <section class="panel replay" data-testid="history-panel">
      <h2>{t("historyOf", { vehicle })}</h2>
      <div class="action-row">
        {periods.map((p) => (
          <button type="button" key={p} aria-pressed={hours === p} onClick={() => setHours(p)}>
            {t("lastHours", { n: p })}
          </button>
        ))}
        <button type="button" onClick={() => setReload((r) => r + 1)} data-testid="history-reload">
          {t("refresh")}
        </button>
      </div>
      {error !== null && <p class="error-note">{error}</p>}
      {data === null && error === null && <p class="muted">{t("loading")}</p>}
      {data !== null && (
        <>
          <h3>{t("trackReplay", { n: track.length })}</h3>
          {track.length === 0 ? (
            <p class="empty">{t("trackNone")}</p>
          ) : (
            <>
              <FleetMap
                cars={[]}
                missions={[]}
                tiles={tiles}
                track={{ points: track, cursor }}
                testId="replay-map"
              />
              <div class="action-row">
                <button
                  type="button"
                  class="primary"
                  data-testid="replay-play"
                  onClick={() => {
                    if (!playing && index >= track.length - 1) setIndex(0);
                    setPlaying(!playing);
                  }}
                >
                  {playing ? t("pause") : t("play")}
                </button>
                <span data-testid="replay-time">
                  {cursorAt !== null && clockTime(cursorAt, lang, true)}
                  {cursor?.speed !== undefined && ` · ${Math.round(cursor.speed * 3.6)} km/h`}
                </span>
              </div>
              <input
                type="range"
                min={0}
                max={track.length - 1}
                value={index}
                aria-label={t("replayPosition")}
                data-testid="replay-slider"
                onInput={(event) => {
                  setPlaying(false);
                  setIndex(Number(event.currentTarget.value));
                }}
              />
            </>
          )}
          <h3>{t("timeline")}</h3>
          {data.timeline.length === 0 ? (
            <p class="empty">{t("timelineNone")}</p>
          ) : (
            <ol class="timeline" data-testid="timeline">
              {[...data.timeline].reverse().map((entry) => {
                const at = parseTime(entry.at);
                return (
                  <li key={entry.id} class={entry.type === "alarm" ? "alarm" : ""} data-type={entry.type}>
                    <span class="when">{at !== null && dateTime(at, lang)}</span>
                    {describe(entry)}
                  </li>
                );
              })}
            </ol>
          )}
          <p class="muted">{t("historyAsOf", { time: clockTime(now, lang) })}</p>
        </>
      )}
    </section>
  );
}
