/**
 * The dispatch lines `npm start` prints in the terminal: one line per alarm, mission change,
 * message and change of a car's equipment verdict as they happen, and a one-line summary of the
 * fleet every 30 s.
 */
import type { DispatchPush } from "../../src/contracts/dispatch-api.ts";
import { equipmentLine } from "../launcher/equipment-line.ts";
import type { DispatchService } from "./dispatch-service.ts";

export function startConsoleSummary(
  service: DispatchService,
  write: (line: string) => void,
  everyMs = 30_000,
): () => void {
  const time = () => new Date().toISOString().slice(11, 19);
  const lastEquipment = new Map<string, string>();
  const onPush = (push: DispatchPush) => {
    if (push.type === "car") {
      const view = service.queries.equipment(push.car.vehicle);
      if (view === null || view.items.length === 0) return;
      const line = equipmentLine(view);
      if (lastEquipment.get(view.vehicle) !== line) write(`[dispatch ${time()}] ${view.vehicle} ${line}`);
      lastEquipment.set(view.vehicle, line);
    } else if (push.type === "alarm")
      write(`[dispatch ${time()}] ALARM ${push.alarm.kind} ${push.alarm.state} — ${push.alarm.vehicle}`);
    else if (push.type === "mission")
      write(
        `[dispatch ${time()}] mission ${push.mission.missionId} ${push.mission.state} ${push.mission.vehicle ?? ""}`,
      );
    else if (push.type === "message" && push.message.direction === "in")
      write(`[dispatch ${time()}] message from ${push.message.vehicle}: ${push.message.text.slice(0, 80)}`);
  };
  service.pushes.on("push", onPush);
  const timer = setInterval(() => {
    const cars = service.queries.cars();
    const online = cars.filter((c) => c.link.state === "online").length;
    const stats = service.ingest.stats();
    const summary = cars
      .slice(0, 3)
      .map(
        (c) =>
          `${c.vehicle} ${c.status?.key ?? "?"}${c.readiness && !c.readiness.ready ? " (not ready)" : ""}`,
      )
      .join(", ");
    write(
      `[dispatch ${time()}] ${online}/${cars.length} cars online · ${stats.stored} messages stored · ${stats.acksSent} acks · ${service.queries.alarms(true).length} open alarms${summary ? ` · ${summary}` : ""}`,
    );
  }, everyMs);
  return () => {
    clearInterval(timer);
    service.pushes.off("push", onPush);
  };
}
