/**
 * A scripted dispatch for the mission tests: builds the commands dispatch sends (PROTOCOL.md A) as
 * they go on the wire, and the mission used throughout (a patient whose identifiers the purge tests
 * look for in the SQLite file).
 */
import { newMessageId } from "../../src/contracts/message-id.ts";

export const missionTopic = "sosm/v1/bordeaux/BDX-07/cmd";

/** Every patient identifier of `assignBody`, as the purge test greps for them in the file. */
export const patientIdentifiers = [
  "Jeanne Dupont-Lafitte",
  "0612345678",
  "12 rue Sainte-Catherine",
  "code porte 4711B",
  "Fille présente, chien méchant",
  "Angine érythémateuse chez Mme Dupont-Lafitte",
];

export function assignBody(missionId: string) {
  return {
    missionId,
    priority: "P1",
    reason: "Fièvre et douleur de gorge",
    address: {
      text: "12 rue Sainte-Catherine, 33000 Bordeaux",
      lat: 44.8378,
      lon: -0.5736,
      access: "code porte 4711B",
    },
    patient: { name: "Jeanne Dupont-Lafitte", age: 34, sex: "F" },
    callback: "0612345678",
    notes: "Fille présente, chien méchant",
  };
}

export const reportSummary = "Angine érythémateuse chez Mme Dupont-Lafitte, traitement symptomatique";

export function command(type: string, body: unknown, now = Date.now()) {
  return {
    v: 1,
    id: newMessageId(now),
    type,
    ts: new Date(now).toISOString(),
    src: "dispatch",
    body,
  };
}

export function commandPayload(type: string, body: unknown, now = Date.now()): string {
  return JSON.stringify(command(type, body, now));
}
