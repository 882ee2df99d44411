/**
 * The signed-in console: the alarm banner on top of everything, the fleet board on the left (always
 * visible: it is what a dispatcher watches), and on the right the map, mission creation, and the
 * selected car's messages and history, and the fleet's equipment.
 */
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { useLiveState } from "../../../web-build/live-connection.ts";
import { TabBar } from "../../../web-build/tab-bar.tsx";
import type { AlarmSound } from "./alarm-sound.ts";
import { api, type Operator } from "./api.ts";
import { AlarmBanner } from "./components/alarm-banner.tsx";
import { EquipmentOverview } from "./components/equipment-overview.tsx";
import { FleetBoard, stalePositionMs } from "./components/fleet-board.tsx";
import { FleetMap, type MapCar, type MapMission, type MapTiles } from "./components/fleet-map.tsx";
import { Header } from "./components/header.tsx";
import { HistoryPanel } from "./components/history-panel.tsx";
import { MessagesPanel } from "./components/messages-panel.tsx";
import { MissionForm } from "./components/mission-form.tsx";
import { MissionList } from "./components/mission-list.tsx";
import { failureText } from "./failure-text.ts";
import type { DictionaryKey } from "./i18n/fr.ts";
import { useLang } from "./i18n/i18n.ts";
import { LiveBoard, type LiveState } from "./live.ts";
import type { Theme } from "./theme.ts";
import { describeEntry } from "./timeline-text.ts";

type Tab = "map" | "mission" | "messages" | "history" | "equipment";
const tabs: ReadonlyArray<readonly [Tab, DictionaryKey]> = [
  ["map", "tabMap"],
  ["mission", "tabMission"],
  ["messages", "tabMessages"],
  ["history", "tabHistory"],
  ["equipment", "tabEquipment"],
];
const availableKeys = new Set(["available", "at_base"]);
/** Clocks in the cars and at dispatch differ by seconds: a history period ends a minute late. */
const skewMarginMs = 60_000;
/**
 * The contract has no map settings yet (API-REQUESTS.md): the console draws its own plot until the
 * service says which tile server the control room may use.
 */
const tiles: MapTiles | null = null;

export interface ConsoleProps {
  operator: Operator;
  sound: AlarmSound;
  theme: Theme;
  onLanguage: () => void;
  onTheme: () => void;
  onSignedOut: () => void;
}

function useLive(onSignedOut: () => void): [LiveBoard, LiveState] {
  const board = useMemo(
    () =>
      new LiveBoard(() => {
        // A closed socket may be an expired session: the service answers 401 then.
        void api.session().then((result) => {
          if (!result.ok && result.status === 401) onSignedOut();
        });
      }),
    [onSignedOut],
  );
  const state = useLiveState(board);
  useEffect(() => {
    board.start();
    return () => board.stop();
  }, [board]);
  return [board, state];
}

function useNow(offsetMs: number): number {
  const [now, setNow] = useState(() => Date.now() + offsetMs);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() + offsetMs), 1000);
    return () => clearInterval(timer);
  }, [offsetMs]);
  return now;
}

export function Console({ operator, sound, theme, onLanguage, onTheme, onSignedOut }: ConsoleProps) {
  const lang = useLang();
  const { t } = lang;
  const [board, state] = useLive(onSignedOut);
  const now = useNow(state.clockOffsetMs);
  const [tab, setTab] = useState<Tab>("map");
  const [selected, setSelected] = useState<string | null>(null);
  const cars = useMemo(
    () => [...state.cars.values()].sort((a, b) => a.vehicle.localeCompare(b.vehicle)),
    [state.cars],
  );
  const alarms = useMemo(
    () => [...state.alarms.values()].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt)),
    [state.alarms],
  );
  const ringing = alarms.some((alarm) => alarm.state === "raised");
  useEffect(() => {
    if (ringing) sound.start();
    else sound.stop();
  }, [ringing, sound]);
  useEffect(() => () => sound.stop(), [sound]);

  const vehicle = selected ?? cars[0]?.vehicle ?? null;
  useEffect(() => {
    if (vehicle === null || tab !== "messages") return;
    void api.messages(vehicle).then((result) => {
      if (result.ok) board.setMessages(vehicle, result.value);
    });
  }, [vehicle, tab, board]);

  const loadHistory = useCallback(
    async (car: string, hours: number) => {
      const nowMs = Date.now() + board.current().clockOffsetMs;
      // The timeline is in the car's wall clock, the track in GNSS time: each period ends at the later
      // of now and the car's newest time, so a car clock ahead of the server's never hides the latest.
      const lastFix = Date.parse(board.current().cars.get(car)?.position?.fixTime ?? "");
      const trackEnd = Number.isNaN(lastFix) ? nowMs : Math.max(nowMs, lastFix);
      const span = hours * 3_600_000;
      const [timeline, track] = await Promise.all([
        api.timeline(car, nowMs - span, nowMs + skewMarginMs),
        api.track(car, trackEnd - span, trackEnd + skewMarginMs),
      ]);
      if (!timeline.ok) return failureText(timeline, lang.t);
      if (!track.ok) return failureText(track, lang.t);
      return { timeline: timeline.value, track: track.value };
    },
    [lang, board],
  );

  const mapCars: MapCar[] = cars.flatMap((car) =>
    car.position === null
      ? []
      : [
          {
            vehicle: car.vehicle,
            lat: car.position.lat,
            lon: car.position.lon,
            heading: car.position.heading ?? null,
            tone:
              car.openAlarms > 0
                ? "alarm"
                : now - Date.parse(car.position.receivedAt) > stalePositionMs
                  ? "stale"
                  : availableKeys.has(car.status?.key ?? "")
                    ? "available"
                    : "busy",
            selected: car.vehicle === vehicle,
          },
        ],
  );
  const mapMissions: MapMission[] = [...state.missions.values()].flatMap((m) =>
    m.address.lat === undefined || m.address.lon === undefined
      ? []
      : [{ missionId: m.missionId, lat: m.address.lat, lon: m.address.lon }],
  );

  return (
    <div class="console" data-testid="console">
      <Header
        fleet={state.fleet}
        carCount={cars.length}
        available={cars.filter((car) => availableKeys.has(car.status?.key ?? "")).length}
        link={state.link}
        operator={operator.displayName}
        now={now}
        theme={theme}
        onLanguage={onLanguage}
        onTheme={onTheme}
        onLogout={() => {
          void api.logout().then(onSignedOut);
        }}
      />
      <AlarmBanner
        alarms={alarms}
        now={now}
        onShow={(car) => {
          setSelected(car);
          setTab("map");
        }}
        onAcknowledge={async (alarm) => {
          const result = await api.acknowledgeAlarm(alarm.alarmId);
          if (!result.ok) return failureText(result, t);
          board.apply({ type: "alarm", serverTime: new Date(now).toISOString(), alarm: result.value });
          return null;
        }}
      />
      <div class="body">
        <section class="board-pane" aria-label={t("boardTitle")}>
          <FleetBoard cars={cars} now={now} selected={vehicle} onSelect={setSelected} />
        </section>
        <section class="side-pane">
          <TabBar
            tabs={tabs.map(([id, key]) => ({
              id,
              label: t(key),
              count:
                id === "messages" && vehicle !== null ? state.cars.get(vehicle)?.unreadMessages : undefined,
            }))}
            active={tab}
            onSelect={setTab}
          />
          <div class="tab-panel" role="tabpanel">
            {tab === "map" && (
              <FleetMap cars={mapCars} missions={mapMissions} tiles={tiles} onSelect={setSelected} />
            )}
            {tab === "mission" && (
              <>
                <MissionForm
                  cars={cars}
                  vehicle={selected}
                  onSubmit={async (mission) => {
                    const result = await api.createMission(mission);
                    if (!result.ok) return { ok: false, error: failureText(result, t) };
                    board.apply({
                      type: "mission",
                      serverTime: new Date(now).toISOString(),
                      mission: result.value,
                    });
                    return { ok: true, missionId: result.value.missionId };
                  }}
                />
                <MissionList
                  missions={[...state.missions.values()]}
                  cars={cars}
                  now={now}
                  onAssign={async (missionId, car) => {
                    const result = await api.assignMission(missionId, car);
                    return result.ok ? null : failureText(result, t);
                  }}
                />
              </>
            )}
            {tab === "messages" &&
              (vehicle === null ? (
                <p class="empty">{t("selectCar")}</p>
              ) : (
                <MessagesPanel
                  vehicle={vehicle}
                  messages={state.messages.get(vehicle) ?? []}
                  onSend={async (text) => {
                    const result = await api.sendMessage(vehicle, text);
                    if (!result.ok) return failureText(result, t);
                    const rows = await api.messages(vehicle);
                    if (rows.ok) board.setMessages(vehicle, rows.value);
                    return null;
                  }}
                />
              ))}
            {tab === "history" &&
              (vehicle === null ? (
                <p class="empty">{t("selectCar")}</p>
              ) : (
                <HistoryPanel
                  vehicle={vehicle}
                  now={now}
                  tiles={tiles}
                  load={loadHistory}
                  describe={(entry) => describeEntry(entry, lang)}
                />
              ))}
            {tab === "equipment" && (
              <EquipmentOverview
                cars={cars}
                loadDetail={async (car) => {
                  const result = await api.equipment(car);
                  return result.ok ? result.value : failureText(result, t);
                }}
              />
            )}
          </div>
        </section>
      </div>
    </div>
  );
}
