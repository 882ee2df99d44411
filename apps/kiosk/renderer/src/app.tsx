/**
 * The doctor's screen: header always on top, the tabs (mission, map, messages, equipment,
 * technician) on the left, the status pad and the panic button on the right, where a thumb finds
 * them without looking. Alarms and the lone-worker prompt lie over everything but the panic button.
 * With shifts (issue 10), the sign-in, shift-start checklist, lock and summary screens take the body's
 * place; the header, alarms and the panic button stay. Every touch tells the core (throttled), whose
 * inactivity count decides the lock.
 */
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { UiCommand } from "../../../../src/contracts/ui-api.ts";
import { useLiveState } from "../../../web-build/live-connection.ts";
import { storedChoice } from "../../../web-build/stored-choice.ts";
import { TabBar } from "../../../web-build/tab-bar.tsx";
import { AlarmBanner, LoneWorkerPrompt } from "./components/alarm-banner.tsx";
import { EquipmentPanel } from "./components/equipment-panel.tsx";
import { Header } from "./components/header.tsx";
import { LockScreen, MissionAlert } from "./components/lock-screen.tsx";
import { MapView } from "./components/map-view.tsx";
import { MessagesScreen } from "./components/messages-screen.tsx";
import { MissionScreen } from "./components/mission-screen.tsx";
import { PanicButton } from "./components/panic-button.tsx";
import { ShiftPanel } from "./components/shift-panel.tsx";
import { GateResultScreen, ShiftStartScreen } from "./components/shift-start-screen.tsx";
import { ShiftSummaryScreen } from "./components/shift-summary.tsx";
import { SignInScreen } from "./components/sign-in-screen.tsx";
import { StatusPad } from "./components/status-pad.tsx";
import { TechnicianMode } from "./components/technician-mode.tsx";
import type { KioskConnection } from "./connection.ts";
import type { DictionaryKey } from "./i18n/fr.ts";
import { type Lang, LangContext, langContextValue, langs, translator } from "./i18n/i18n.ts";
import { KioskContext, type KioskContextValue } from "./kiosk-context.ts";
import { resolveTheme, type ThemeChoice } from "./theme.ts";

type Tab = "mission" | "map" | "messages" | "equipment" | "technician" | "shift";
const tabs: ReadonlyArray<readonly [Tab, DictionaryKey]> = [
  ["mission", "tabMission"],
  ["shift", "tabShift"],
  ["map", "tabMap"],
  ["messages", "tabMessages"],
  ["equipment", "tabEquipment"],
  ["technician", "tabTechnician"],
];
const themeOrder: readonly ThemeChoice[] = ["auto", "day", "night"];
/** A touch tells the core at most this often (and four times per lock delay): the lock counts minutes, not taps. */
const activityEveryMs = 5000;

export function App({ connection }: { connection: KioskConnection }) {
  const snapshot = useLiveState(connection);
  const [chosenLang, setChosenLang] = useState<Lang | null>(() => storedChoice("sosm.lang", langs));
  const [chosenTheme, setChosenTheme] = useState<ThemeChoice | null>(() =>
    storedChoice("sosm.theme", themeOrder),
  );
  const [tab, setTab] = useState<Tab>("mission");
  const [seen, setSeen] = useState<ReadonlySet<string>>(new Set());
  const [minute, setMinute] = useState(0);
  /** The shift (its start time) whose checklist the doctor put off, the summary already read. */
  const [checklistLater, setChecklistLater] = useState<number | null>(null);
  const [gateShown, setGateShown] = useState(false);
  const [summaryRead, setSummaryRead] = useState<string | null>(null);
  const lastActivity = useRef(0);
  const lockAfterMs = useRef(120_000);
  const state = snapshot.state;
  lockAfterMs.current = (state?.shift?.lockAfterSeconds ?? 120) * 1000;
  const lang: Lang = chosenLang ?? state?.settings.lang ?? "fr";
  const themeChoice: ThemeChoice = chosenTheme ?? state?.settings.theme ?? "auto";
  const fix = state?.gnss.fix ?? null;
  const offset = snapshot.clockOffsetMs;

  useEffect(() => {
    const timer = setInterval(() => setMinute((m) => m + 1), 60_000);
    return () => clearInterval(timer);
  }, []);
  const theme = useMemo(
    () =>
      resolveTheme(
        themeChoice,
        new Date(Date.now() + offset),
        fix === null ? null : { lat: fix.lat, lon: fix.lon },
      ),
    // The sun moves slowly: once a minute, and when the car has a first position, is enough.
    [themeChoice, minute, fix === null, offset],
  );
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.lang = lang;
    document.title = translator(lang)("appTitle");
  }, [theme, lang]);

  // A new mission or a cancellation brings the mission tab to the front.
  const alertKey = state
    ? [
        ...state.missions.pending.map((m) => m.id),
        ...state.missions.ended.filter((m) => m.state === "cancelled").map((m) => m.id),
      ].join(",")
    : "";
  useEffect(() => {
    if (alertKey !== "") setTab("mission");
  }, [alertKey]);
  // The gate's result was seen once the screen locked, and a new mission comes before it.
  const locked = state?.shift?.locked === true;
  useEffect(() => {
    if (locked || alertKey !== "") setGateShown(false);
  }, [locked, alertKey]);

  useEffect(() => {
    const touched = () => {
      const every = Math.min(activityEveryMs, lockAfterMs.current / 4);
      if (performance.now() - lastActivity.current < every) return;
      lastActivity.current = performance.now();
      void connection.send({ type: "ui.activity" });
    };
    document.addEventListener("pointerdown", touched, { capture: true });
    document.addEventListener("keydown", touched, { capture: true });
    return () => {
      document.removeEventListener("pointerdown", touched, { capture: true });
      document.removeEventListener("keydown", touched, { capture: true });
    };
  }, [connection]);

  const send = useCallback((command: UiCommand) => connection.send(command), [connection]);
  const context = useMemo<KioskContextValue | null>(
    () => (state === null ? null : { state, send, now: () => Date.now() + offset }),
    [state, send, offset],
  );
  const langValue = useMemo(() => langContextValue(lang), [lang]);

  if (context === null)
    return (
      <LangContext.Provider value={langValue}>
        <p class="waiting">{langValue.t("waitingState")}</p>
      </LangContext.Provider>
    );
  const unread = context.state.messages.unread;
  const shift = context.state.shift;
  let shiftScreen: ComponentChildren = null;
  if (shift !== null) {
    const summary = shift.lastSummary;
    if (shift.doctor === null)
      shiftScreen =
        summary !== null && summaryRead !== summary.shiftId ? (
          <ShiftSummaryScreen summary={summary} onDone={() => setSummaryRead(summary.shiftId)} />
        ) : (
          <>
            <MissionAlert />
            <SignInScreen />
          </>
        );
    else if (shift.locked) shiftScreen = <LockScreen />;
    else if (gateShown) shiftScreen = <GateResultScreen onContinue={() => setGateShown(false)} />;
    else if (shift.checklist?.state === "pending" && checklistLater !== shift.startedAt)
      shiftScreen = (
        <ShiftStartScreen
          onDone={() => setGateShown(true)}
          onLater={() => setChecklistLater(shift.startedAt)}
        />
      );
  }
  return (
    <LangContext.Provider value={langValue}>
      <KioskContext.Provider value={context}>
        <div class="app" data-theme-resolved={theme}>
          <Header
            themeChoice={themeChoice}
            onLanguage={() => {
              const next = lang === "fr" ? "en" : "fr";
              localStorage.setItem("sosm.lang", next);
              setChosenLang(next);
            }}
            onTheme={() => {
              const next = themeOrder[(themeOrder.indexOf(themeChoice) + 1) % themeOrder.length] ?? "auto";
              localStorage.setItem("sosm.theme", next);
              setChosenTheme(next);
            }}
          />
          {snapshot.link !== "open" && (
            <div class="banner banner-alarm" role="alert" data-testid="link-lost">
              {langValue.t("linkLost")}
            </div>
          )}
          <AlarmBanner />
          {shiftScreen !== null ? (
            <div class="shift-body">{shiftScreen}</div>
          ) : (
            <div class="body">
              <main class="main">
                <TabBar
                  tabs={tabs
                    .filter(([id]) => id !== "shift" || shift !== null)
                    .map(([id, key]) => ({
                      id,
                      label: langValue.t(key),
                      count: id === "messages" ? unread : undefined,
                    }))}
                  active={tab}
                  onSelect={setTab}
                />
                <div class="tab-panel" role="tabpanel">
                  {tab === "mission" && (
                    <MissionScreen seen={seen} onSeen={(key) => setSeen(new Set([...seen, key]))} />
                  )}
                  {tab === "map" && <MapView />}
                  {tab === "messages" && <MessagesScreen />}
                  {tab === "equipment" && <EquipmentPanel />}
                  {tab === "technician" && <TechnicianMode />}
                  {tab === "shift" && <ShiftPanel onChecklist={() => setChecklistLater(null)} />}
                </div>
              </main>
              <aside class="side">
                <StatusPad />
              </aside>
            </div>
          )}
          <LoneWorkerPrompt />
          <PanicButton />
        </div>
      </KioskContext.Provider>
    </LangContext.Provider>
  );
}
