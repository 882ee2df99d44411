/**
 * The fleet board: one row per car with what a dispatcher decides on — its radio status and since
 * when, its mission, its readiness, the link, and how old its last position is. Rows are live (the
 * service pushes every change); ages tick every second here.
 */
import { radioStatuses } from "../../../../../src/domain/radio-status.ts";
import type { CarRow } from "../api.ts";
import { ageText, clockTime, parseTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";

/** A position older than this is shown as stale (the reporting policy sends one at least every 60 s). */
export const stalePositionMs = 120_000;

export interface FleetBoardProps {
  cars: readonly CarRow[];
  now: number;
  selected: string | null;
  onSelect: (vehicle: string) => void;
}

export function FleetBoard({ cars, now, selected, onSelect }: FleetBoardProps) {
  const { t } = useLang();
  if (cars.length === 0) return <p class="empty">{t("boardEmpty")}</p>;
  return (
    <table class="board" data-testid="fleet-board">
      <caption class="visually-hidden">{t("boardTitle")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("colVehicle")}</th>
          <th scope="col">{t("colStatus")}</th>
          <th scope="col">{t("colMission")}</th>
          <th scope="col">{t("colReadiness")}</th>
          <th scope="col">{t("colLink")}</th>
          <th scope="col">{t("colPosition")}</th>
        </tr>
      </thead>
      <tbody>
        {cars.map((car) => (
          <Row
            key={car.vehicle}
            car={car}
            now={now}
            selected={car.vehicle === selected}
            onSelect={onSelect}
          />
        ))}
      </tbody>
    </table>
  );
}

function Row({
  car,
  now,
  selected,
  onSelect,
}: {
  car: CarRow;
  now: number;
  selected: boolean;
  onSelect: (vehicle: string) => void;
}) {
  const { t, lang, label: word } = useLang();
  const status = car.status;
  const label = radioStatuses.find((s) => s.key === status?.key)?.labels[lang] ?? status?.key;
  const statusSince = parseTime(status?.since);
  const positionAt = parseTime(car.position?.receivedAt ?? car.position?.fixTime);
  const stale = positionAt === null || now - positionAt > stalePositionMs;
  const alarmed = car.openAlarms > 0;
  return (
    <tr
      class={`${selected ? "selected" : ""}${alarmed ? " alarm" : ""}`}
      data-testid={`car-row-${car.vehicle}`}
      data-status={status?.key ?? "none"}
      data-link={car.link.state}
      aria-selected={selected}
      tabIndex={0}
      onClick={() => onSelect(car.vehicle)}
      onKeyDown={(event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          onSelect(car.vehicle);
        }
      }}
    >
      <td>
        <span class="vehicle">{car.vehicle}</span>
        {alarmed && <span class="chip chip-alarm">{t("alarmShort")}</span>}
        {car.seqGaps > 0 && (
          <span class="sub" title={t("seqGapsHelp")}>
            {t("seqGaps", { n: car.seqGaps })}
          </span>
        )}
        {car.unreadMessages > 0 && (
          <span class="count" title={t("unreadMessages")}>
            {car.unreadMessages}
          </span>
        )}
      </td>
      <td data-testid="car-status">
        {status === null ? (
          <span class="muted">{t("statusNone")}</span>
        ) : (
          <>
            <span class="status-code">{status.code}</span>
            {label}
            {statusSince !== null && (
              <span class="sub" data-testid="car-status-since">
                {t("since", { time: clockTime(statusSince, lang), age: ageText(statusSince, now, lang) })}
              </span>
            )}
            {status.doctorName !== undefined && <span class="sub">{status.doctorName}</span>}
          </>
        )}
      </td>
      <td data-testid="car-mission">
        {car.mission === null ? (
          <span class="muted">—</span>
        ) : (
          <>
            <strong>{car.mission.priority}</strong> {car.mission.missionId}
            <span class="sub" data-testid="car-mission-state" data-state={car.mission.state}>
              {car.mission.reason} · {word("missionState_", car.mission.state)}
            </span>
          </>
        )}
      </td>
      <td data-testid="car-readiness">
        {car.readiness === null ? (
          <span class="chip chip-muted">{t("readinessUnknown")}</span>
        ) : car.readiness.ready ? (
          <span class="chip chip-ok">{t("ready")}</span>
        ) : (
          <span class="chip chip-alarm">{t("notReady")}</span>
        )}
        {car.readiness !== null && car.readiness.notOk.length > 0 && (
          <span class="sub">{car.readiness.notOk.map((item) => word("kind_", item.kind)).join(", ")}</span>
        )}
      </td>
      <td data-testid="car-link">
        <span class={`chip ${car.link.state === "online" ? "chip-ok" : "chip-warn"}`}>
          {car.link.state === "online"
            ? t("online")
            : car.link.state === "offline"
              ? t("offline")
              : t("linkUnknown")}
        </span>
        {car.link.since !== null && car.link.state === "offline" && (
          <span class="sub">{ageText(Date.parse(car.link.since), now, lang)}</span>
        )}
      </td>
      <td data-testid="car-position-age">
        {positionAt === null ? (
          <span class="muted">{t("noPosition")}</span>
        ) : (
          <span class={stale ? "chip chip-warn" : ""}>{ageText(positionAt, now, lang)}</span>
        )}
      </td>
    </tr>
  );
}
