/**
 * Hub Santé identifiers (PROTOCOL.md C, shared/interop/hub-sante/*.schema.json).
 *
 * - `resourceId` = `fr.health.{orgId}.resource.{vehicle}`. The official pattern is
 *   `^([a-zA-Z0-9_-]+\.){3,8}resource(\.[a-zA-Z0-9_-]+){1,2}$`: 3 to 8 dotted segments before
 *   `resource`, so `orgId` has 1 to 6 segments. Our vehicle ids (`[A-Za-z0-9_-]{1,32}`) are valid
 *   segments as they are.
 * - `caseId` = `{pays}.{domaine}.{organisation}.{senderCaseId}` (RS-SR `caseId` description). A
 *   mission that came with a shared case id (mission.assign `caseId`, SAMU's case) keeps it. A
 *   mission dispatch created itself is the case's origin: `fr.health.{orgId}.{mission id}`, the
 *   mission id escaped into one segment (below). It is deterministic, so every status of a mission
 *   names the same case, before and after a restart, without storing anything.
 * - `distributionID` = `{senderID}_{uuid}`, as ANS's own client and examples build it.
 *
 * Escaping a mission id into one segment: the official pattern allows `[a-zA-Z0-9_-]` and a dot
 * between segments. Our mission ids may hold any printable ASCII (`entityIdSchema`), dots included.
 * Letters, digits and `-` stay; every other byte becomes `_` and two upper-case hex digits (`.` →
 * `_2E`, `_` → `_5F`). `_` only ever starts an escape, so two different mission ids never give the
 * same case id. `M-20261123-4F2A9C` (dispatch's own ids) is unchanged.
 */

const segment = "[A-Za-z0-9_-]+";

/** 1 to 6 dotted segments: `sos33`, `sos-medecins.bordeaux`. */
export const orgIdPattern = new RegExp(`^${segment}(?:\\.${segment}){0,5}$`);

/** A Hub Santé client id (sender, recipient): `fr.health.samu330`, `fr.health.test.samuA`. */
export const clientIdPattern = new RegExp(`^${segment}(?:\\.${segment}){2,9}$`);

/** The official RS-SR / GEO-POS `resourceId` pattern (linear: every repetition ends on a literal dot). */
export const resourceIdPattern = /^([a-zA-Z0-9_-]+\.){3,8}resource(\.[a-zA-Z0-9_-]+){1,2}$/;

/**
 * The official `caseId` pattern is `^([a-zA-Z0-9_-]+\.?){4,10}$`, whose nested quantifier
 * backtracks exponentially on a long non-matching string. This is the dotted form it documents
 * (4 to 10 segments), the same as src/contracts/dispatch-commands.ts `caseIdSchema`; every string it
 * accepts matches the official pattern.
 */
export const caseIdPattern = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+){3,9}$/;

export function resourceId(orgId: string, vehicle: string): string {
  return `fr.health.${orgId}.resource.${vehicle}`;
}

/** One `[A-Za-z0-9_-]+` segment from any string, injectively (see the file comment). */
export function escapeIdSegment(value: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(value)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9-]/.test(char) ? char : `_${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The case a mission dispatch created itself stands for. */
export function caseIdForMission(orgId: string, missionId: string): string {
  return `fr.health.${orgId}.${escapeIdSegment(missionId)}`;
}

export function distributionId(senderId: string, uuid: string): string {
  return `${senderId}_${uuid}`;
}
