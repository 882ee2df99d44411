/**
 * Runs the doctor's commands (already parsed by the UI API schema) against the services, and turns
 * every refusal into the same shape: a code for programs and the sentence for the doctor, French
 * first. A refusal changes nothing: the services check before they write.
 */
import type { UiCommand, UiError, UiOutcome } from "../contracts/ui-api.ts";
import type { MissionError } from "../domain/missions/mission-errors.ts";
import type { AlarmView, CancelOutcome, LoneWorkerOutcome } from "../services/alarm-views.ts";
import { CheckError } from "../services/check-errors.ts";
import type { CrewMessages } from "../services/crew-messages.ts";
import type { MissionDesk } from "../services/mission-desk.ts";
import type { StatusBoard } from "../services/status-board.ts";
import type { SignRequest } from "../services/technician-checks.ts";
import type { VisitReports } from "../services/visit-report.ts";

export interface KioskCommandTargets {
  missions: {
    desk: Pick<MissionDesk, "displayed" | "accept" | "decline">;
    status: Pick<StatusBoard, "setStatus">;
    messages: Pick<CrewMessages, "send" | "markAllRead">;
    reports: Pick<VisitReports, "submit">;
  };
  alarms: {
    panic(): AlarmView;
    cancel(alarmId: string, pin?: string): Promise<CancelOutcome>;
    extendLoneWorker(): LoneWorkerOutcome;
    answerLoneWorker(): LoneWorkerOutcome;
  } | null;
  checks: { sign(request: SignRequest): Promise<unknown> } | null;
}

const done: UiOutcome = { ok: true };

function refused(error: UiError): UiOutcome {
  return { ok: false, error };
}

function fromMission(error: MissionError): UiOutcome {
  return refused({ code: error.code, text: { fr: error.message.fr, en: error.message.en } });
}

function outcome(result: { ok: true } | { ok: false; error: MissionError }): UiOutcome {
  return result.ok ? done : fromMission(result.error);
}

const notAvailable = (what: { fr: string; en: string }): UiOutcome =>
  refused({
    code: "not_available",
    text: {
      fr: `${what.fr} : pas disponible sur ce terminal`,
      en: `${what.en}: not available on this terminal`,
    },
  });

export async function runKioskCommand(targets: KioskCommandTargets, command: UiCommand): Promise<UiOutcome> {
  const { desk, status, messages, reports } = targets.missions;
  switch (command.type) {
    case "status.set": {
      const result = status.setStatus(command.key, command.note === undefined ? {} : { note: command.note });
      if (!result.ok) return fromMission(result.error);
      return result.warnings.length === 0
        ? done
        : { ok: true, warnings: result.warnings.map((w) => ({ fr: w.text.fr, en: w.text.en })) };
    }
    case "mission.displayed":
      return outcome(desk.displayed(command.missionId));
    case "mission.accept":
      return outcome(desk.accept(command.missionId));
    case "mission.decline":
      return outcome(desk.decline(command.missionId, command.reason));
    case "message.send":
      return outcome(messages.send(command.text, command.replyTo));
    case "messages.read":
      messages.markAllRead();
      return done;
    case "report.submit": {
      const { missionId, outcome: visitOutcome, summary, acts, consumables } = command;
      return outcome(
        reports.submit(missionId, {
          outcome: visitOutcome,
          summary,
          ...(acts === undefined ? {} : { acts }),
          ...(consumables === undefined ? {} : { consumables }),
        }),
      );
    }
    case "alarm.panic":
      if (targets.alarms === null) return notAvailable({ fr: "Alarme", en: "Alarm" });
      targets.alarms.panic();
      return done;
    case "alarm.cancel": {
      if (targets.alarms === null) return notAvailable({ fr: "Alarme", en: "Alarm" });
      const cancel = await targets.alarms.cancel(command.alarmId, command.pin);
      return cancel.ok ? done : refused({ code: cancel.code, text: { fr: cancel.fr, en: cancel.en } });
    }
    case "loneWorker.extend":
    case "loneWorker.answer": {
      if (targets.alarms === null) return notAvailable({ fr: "Travailleur isolé", en: "Lone worker" });
      const answer =
        command.type === "loneWorker.extend"
          ? targets.alarms.extendLoneWorker()
          : targets.alarms.answerLoneWorker();
      return answer.ok ? done : refused({ code: answer.code, text: { fr: answer.fr, en: answer.en } });
    }
    case "checks.sign": {
      if (targets.checks === null) return notAvailable({ fr: "Vérifications", en: "Checks" });
      try {
        await targets.checks.sign({
          technicianId: command.technicianId,
          pin: command.pin,
          schedule: command.schedule,
          results: command.results.map((r) => ({
            checkId: r.checkId,
            result: r.result,
            ...(r.notes === undefined ? {} : { notes: r.notes }),
          })),
        });
        return done;
      } catch (error) {
        if (error instanceof CheckError)
          return refused({ code: error.code, text: { fr: error.text.fr, en: error.text.en } });
        throw error;
      }
    }
  }
}
