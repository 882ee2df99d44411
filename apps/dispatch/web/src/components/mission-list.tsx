/**
 * Missions not yet closed: where each one stands on its car (sent, received, read, accepted, en
 * route...), and the assignment of those that have no car yet or that a doctor declined.
 */
import { useState } from "preact/hooks";
import type { CarRow, MissionRow } from "../api.ts";
import { ageText, parseTime } from "../format.ts";
import { useLang } from "../i18n/i18n.ts";

export interface MissionListProps {
  missions: readonly MissionRow[];
  cars: readonly CarRow[];
  now: number;
  onAssign: (missionId: string, vehicle: string) => Promise<string | null>;
}

const priorityRank = { P0: 0, P1: 1, P2: 2, P3: 3 } as const;

export function MissionList({ missions, cars, now, onAssign }: MissionListProps) {
  const { t } = useLang();
  const sorted = [...missions].sort(
    (a, b) => priorityRank[a.priority] - priorityRank[b.priority] || a.createdAt.localeCompare(b.createdAt),
  );
  return (
    <section class="panel" data-testid="mission-list">
      <h2>{t("missionsOpen", { n: missions.length })}</h2>
      {sorted.length === 0 ? (
        <p class="empty">{t("missionsNone")}</p>
      ) : (
        <ul class="timeline">
          {sorted.map((mission) => (
            <MissionLine
              key={mission.missionId}
              mission={mission}
              cars={cars}
              now={now}
              onAssign={onAssign}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function MissionLine({
  mission,
  cars,
  now,
  onAssign,
}: {
  mission: MissionRow;
  cars: readonly CarRow[];
  now: number;
  onAssign: MissionListProps["onAssign"];
}) {
  const { t, lang, label } = useLang();
  const [vehicle, setVehicle] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const assignable = mission.vehicle === null || mission.state === "declined" || mission.state === "created";
  const updated = parseTime(mission.updatedAt);
  return (
    <li data-testid={`mission-${mission.missionId}`} data-state={mission.state}>
      <strong>{mission.priority}</strong> {mission.missionId} · {mission.reason}
      <span class="sub">
        {mission.address.text} · {mission.vehicle ?? t("missionUnassigned")} ·{" "}
        {label("missionState_", mission.state)}
        {updated !== null && ` (${ageText(updated, now, lang)})`}
      </span>
      {assignable && (
        <div class="action-row">
          <select
            aria-label={t("missionCar")}
            value={vehicle}
            onChange={(event) => setVehicle(event.currentTarget.value)}
            data-testid="assign-car"
          >
            <option value="">{t("missionChooseCar")}</option>
            {cars.map((car) => (
              <option key={car.vehicle} value={car.vehicle}>
                {car.vehicle}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="primary"
            disabled={busy || vehicle === ""}
            data-testid="assign-submit"
            onClick={() => {
              setBusy(true);
              void onAssign(mission.missionId, vehicle).then((problem) => {
                setBusy(false);
                setError(problem);
              });
            }}
          >
            {t("missionAssign")}
          </button>
        </div>
      )}
      {error !== null && <p class="error-note">{error}</p>}
    </li>
  );
}
