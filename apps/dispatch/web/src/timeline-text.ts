/**
 * One line per timeline entry in the operator's language. The service gives an English summary and
 * the message body; the common types are worded here, anything else falls back to the summary.
 */
import { radioStatuses } from "../../../../src/domain/radio-status.ts";
import type { TimelineEntry } from "./api.ts";
import type { LangContextValue } from "./i18n/i18n.ts";

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

export function describeEntry(entry: TimelineEntry, { t, lang, label }: LangContextValue): string {
  const body = entry.body;
  switch (entry.type) {
    case "status": {
      const status = radioStatuses.find((s) => s.key === body.key);
      return t("tlStatus", {
        code: status?.code ?? "?",
        label: status?.labels[lang] ?? str(body.key) ?? "?",
      });
    }
    case "mission.ack":
      return t("tlMissionAck", {
        id: str(body.missionId) ?? "?",
        state: label("missionState_", str(body.state) ?? "?"),
      });
    case "alarm":
      return t(body.state === "cancelled" ? "tlAlarmCancelled" : "tlAlarmRaised", {
        kind: label("alarmKind_", str(body.kind) ?? "?"),
      });
    case "message":
      return t("tlMessage", { text: str(body.text) ?? "" });
    case "presence":
      return body.state === "online" ? t("online") : t("offline");
    case "report":
      return t("tlReport", {
        id: str(body.missionId) ?? "?",
        outcome: label("outcome_", str(body.outcome) ?? "?"),
      });
    case "equipment":
      return body.ready === true ? t("tlEquipmentReady") : t("tlEquipmentNotReady");
    default:
      return entry.summary;
  }
}
