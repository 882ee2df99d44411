/**
 * What dispatch tells the doctor about a mission: the `mission.assign` body (PROTOCOL.md A) minus
 * its id, how `mission.update` merges into it, and what the patient-data purge removes.
 *
 * The shapes mirror src/contracts/dispatch-commands.ts (the domain imports no contract; the mission
 * services check the two stay assignable).
 */

export interface MissionAddress {
  readonly text: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly access?: string;
}

export interface MissionPatient {
  readonly name?: string;
  readonly age?: number;
  readonly sex?: "M" | "F" | "O" | "U";
}

export interface MissionDetails {
  readonly priority: "P0" | "P1" | "P2" | "P3";
  readonly reason: string;
  readonly address: MissionAddress;
  readonly patient?: MissionPatient;
  readonly callback?: string;
  readonly notes?: string;
  readonly caseId?: string;
}

export type MissionUpdate = Partial<MissionDetails>;

/**
 * The update's fields win. `address` is replaced as a whole: a new address with the old door code or
 * the old coordinates would send the doctor to the wrong door. `patient` merges field by field:
 * dispatch often completes the name or the age after the call.
 */
export function mergeMissionUpdate(details: MissionDetails, update: MissionUpdate): MissionDetails {
  const patient =
    update.patient === undefined ? details.patient : { ...(details.patient ?? {}), ...update.patient };
  const merged: MissionDetails = {
    priority: update.priority ?? details.priority,
    reason: update.reason ?? details.reason,
    address: update.address ?? details.address,
    ...(patient === undefined ? {} : { patient }),
  };
  const callback = update.callback ?? details.callback;
  const notes = update.notes ?? details.notes;
  const caseId = update.caseId ?? details.caseId;
  return {
    ...merged,
    ...(callback === undefined ? {} : { callback }),
    ...(notes === undefined ? {} : { notes }),
    ...(caseId === undefined ? {} : { caseId }),
  };
}

/** The names of the fields an update changed, for the timeline ("adresse modifiée"). */
export function changedFields(update: MissionUpdate): string[] {
  return (Object.keys(update) as Array<keyof MissionDetails>).filter((key) => update[key] !== undefined);
}

/** Shown instead of the address once it is purged. */
export const purgedText = "—";

/**
 * The mission with its patient identifiers removed (DESIGN.md §4, issue 4 "Patient data purge"): the
 * patient's name, the callback number, the address text, door code and coordinates (a home is an
 * identifier), and dispatch's free notes. Kept: priority, reason, age and sex (statistics, no
 * identity), the Hub Santé case id (the regulator's own reference, held there anyway).
 */
export function withoutPatientData(details: MissionDetails): MissionDetails {
  const { age, sex } = details.patient ?? {};
  const patient = {
    ...(age === undefined ? {} : { age }),
    ...(sex === undefined ? {} : { sex }),
  };
  return {
    priority: details.priority,
    reason: details.reason,
    address: { text: purgedText },
    ...(Object.keys(patient).length > 0 ? { patient } : {}),
    ...(details.caseId === undefined ? {} : { caseId: details.caseId }),
  };
}
