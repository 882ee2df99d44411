/**
 * ajv (draft-07) + ajv-formats over the OFFICIAL Hub Santé schemas in test/fixtures/hub-sante/
 * (see its README for what is missing and why each loaded copy gets its own `$id`).
 *
 * `validateHubMessage(envelope)` checks an EDXL-DE message three ways: the envelope-only schema, the
 * full schema (envelope + embedded content, through its `oneOf`), and the use-case object against
 * its own schema again (RS-SR or GEO-POS), so that an error message names the exact field.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS: at run time the default import is the function, its type says `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const fixturesDir = join(import.meta.dirname, "../../../fixtures/hub-sante");
const base = "classpath:/json-schema/";

/** Every schema EDXL-DE-full.schema.json references by file name. */
const referenced = [
  "RC-DE",
  "TECHNICAL",
  "TECHNICAL_NOREQ",
  "RC-EDA",
  "RS-EDA",
  "RS-EDA-MAJ",
  "RC-REF",
  "EMSI",
  "RS-RI",
  "RC-RI",
  "RS-ER",
  "RS-SR",
  "RS-DR",
  "RS-RR",
  "RS-RPIS",
  "RS-BPV",
  "RS-URL",
  "GEO-POS",
  "GEO-REQ",
  "GEO-RES",
  "RS-SAS-RDV",
  "customContent",
  "RS-ERROR",
] as const;

function load(file: string): AnySchemaObject {
  return JSON.parse(readFileSync(join(fixturesDir, file), "utf8")) as AnySchemaObject;
}

/** Which referenced schemas are real files here (the rest are accept-all placeholders). */
export const availableSchemas = referenced.filter((name) =>
  existsSync(join(fixturesDir, `${name}.schema.json`)),
);

function buildAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  // The official schemas' annotations (form hints and documentation), not validation keywords.
  ajv.addVocabulary(["x-id", "version", "example", "x-health-only", "x-cols", "x-display"]);
  for (const name of referenced) {
    const file = `${name}.schema.json`;
    const schema = availableSchemas.includes(name) ? load(file) : {};
    ajv.addSchema({ ...schema, $id: `${base}${file}` });
  }
  ajv.addSchema({ ...load("EDXL-DE-full.schema.json"), $id: `${base}EDXL-DE-full.schema.json` });
  ajv.addSchema({
    ...load("EDXL-DE-envelope-only.schema.json"),
    $id: `${base}EDXL-DE-envelope-only.schema.json`,
  });
  return ajv;
}

const ajv = buildAjv();

function compiled(name: string): ValidateFunction {
  const validate = ajv.getSchema(`${base}${name}.schema.json`);
  if (!validate) throw new Error(`schema ${name} not loaded`);
  return validate;
}

export const validators = {
  envelopeOnly: compiled("EDXL-DE-envelope-only"),
  full: compiled("EDXL-DE-full"),
  rsSr: compiled("RS-SR"),
  geoPos: compiled("GEO-POS"),
};

function explain(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`).join("; ");
}

/** Throws with every schema error; returns the use case's key (`resourcesStatus`/`geoPositionsUpdate`). */
export function validateHubMessage(envelope: unknown): "resourcesStatus" | "geoPositionsUpdate" {
  const problems: string[] = [];
  if (!validators.envelopeOnly(envelope))
    problems.push(`envelope: ${explain(validators.envelopeOnly.errors)}`);
  if (!validators.full(envelope)) problems.push(`full: ${explain(validators.full.errors)}`);
  const message = (
    envelope as { content?: Array<{ jsonContent?: { embeddedJsonContent?: { message?: unknown } } }> }
  ).content?.[0]?.jsonContent?.embeddedJsonContent?.message as Record<string, unknown> | undefined;
  let kind: "resourcesStatus" | "geoPositionsUpdate" | null = null;
  if (message?.resourcesStatus !== undefined) {
    kind = "resourcesStatus";
    if (!validators.rsSr(message.resourcesStatus)) problems.push(`RS-SR: ${explain(validators.rsSr.errors)}`);
  } else if (message?.geoPositionsUpdate !== undefined) {
    kind = "geoPositionsUpdate";
    if (!validators.geoPos(message.geoPositionsUpdate))
      problems.push(`GEO-POS: ${explain(validators.geoPos.errors)}`);
  } else problems.push("no resourcesStatus nor geoPositionsUpdate in the embedded message");
  if (problems.length > 0 || kind === null)
    throw new Error(`not a valid Hub Santé message: ${problems.join(" | ")}\n${JSON.stringify(envelope)}`);
  return kind;
}

/** The official examples, by use case (file name → content). */
export function officialExamples(): Array<{ file: string; example: Record<string, unknown> }> {
  return readdirSync(fixturesDir)
    .filter((file) => file.startsWith("example.") && file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, example: load(file) as Record<string, unknown> }));
}
