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
import { commandAdmitted, type ScreenMode } from "./screen-lock.ts";
import { isShiftCommand, runShiftCommand, type ShiftCommandTargets } from "./shift-commands.ts";

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
  /** Shifts and the screen lock (issue 10); absent: no sign-in, no lock on this core. */
  shifts?:
    | (ShiftCommandTargets & {
        lock: ShiftCommandTargets["lock"] & { mode(): ScreenMode; activity(): void };
      })
    | null;
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

const refusedWhile: Record<Exclude<ScreenMode, "open">, UiError> = {
  locked: {
    code: "screen_locked",
    text: {
      fr: "Écran verrouillé : déverrouillez avec votre PIN (l'alarme reste disponible)",
      en: "Screen locked: unlock it with your PIN (the alarm stays available)",
    },
  },
  signed_out: {
    code: "not_signed_in",
    text: {
      fr: "Aucun médecin de garde : prenez la garde d'abord (l'alarme reste disponible)",
      en: "No doctor on shift: sign in first (the alarm stays available)",
    },
  },
};

export async function runKioskCommand(targets: KioskCommandTargets, command: UiCommand): Promise<UiOutcome> {
  const shifts = targets.shifts ?? null;
  if (shifts !== null) {
    const mode = shifts.lock.mode();
    if (!commandAdmitted(mode, command.type)) {
      const wrong = mode === "open" ? null : refusedWhile[mode];
      return refused(
        wrong ?? {
          code: command.type === "shift.signIn" ? "already_signed_in" : "not_locked",
          text: {
            fr: "Déjà de garde et écran déverrouillé : rien à faire",
            en: "Already on shift and the screen is unlocked: nothing to do",
          },
        },
      );
    }
    // Any command the doctor could send is a touch on the screen.
    if (mode === "open") shifts.lock.activity();
    if (isShiftCommand(command)) return runShiftCommand(shifts, command);
  }
  const { desk, status, messages, reports } = targets.missions;
  switch (command.type) {
    case "ui.activity":
      return done;
    case "shift.signIn":
    case "shift.checklist":
    case "shift.unlock":
    case "shift.lock":
    case "shift.signOut":
      return notAvailable({ fr: "Garde", en: "Shift" });
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
