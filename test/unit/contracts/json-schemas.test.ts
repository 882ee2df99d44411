/**
 * The published JSON Schemas (docs/protocol/*.schema.json) are what other people's software is
 * written against: they must be exactly what the zod contracts generate, and the documented examples
 * must validate against them with an independent validator (ajv), not only with zod.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { schemaFileText } from "../../../scripts/generate-protocol-schemas.ts";
import { protocolJsonSchemas } from "../../../src/contracts/json-schemas.ts";
import { carMessageSchema, commandSchema } from "../../../src/contracts/messages.ts";

// ajv-formats is CommonJS with `exports.default`; under ESM interop the callable sits on `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const protocolDir = resolve(import.meta.dirname, "../../../docs/protocol");
const generated = protocolJsonSchemas();

function newAjv(): Ajv {
  // strict: any keyword or format ajv does not understand fails the test instead of being ignored.
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8"));
}

describe("committed JSON Schemas", () => {
  it.each(generated.map((entry) => [entry.fileName, entry] as const))(
    "docs/protocol/%s is what the generator produces now",
    (fileName, entry) => {
      let committed = "";
      try {
        committed = readFileSync(resolve(protocolDir, fileName), "utf8");
      } catch {
        // Missing file: the comparison below reports it with the fix.
      }
      expect(committed, `docs/protocol/${fileName} is stale: run npm run protocol:schemas`).toBe(
        schemaFileText(entry.schema),
      );
    },
  );

  it("holds no schema the generator no longer produces", () => {
    const onDisk = readdirSync(protocolDir).filter((name) => name.endsWith(".schema.json"));
    expect(onDisk.sort(), "stale schema files: run npm run protocol:schemas").toEqual(
      generated.map((entry) => entry.fileName).sort(),
    );
  });

  it("are draft-07 with a title, and do not forbid additional properties", () => {
    for (const { fileName, schema } of generated) {
      expect(schema.$schema, fileName).toBe("http://json-schema.org/draft-07/schema#");
      expect(schema.title, fileName).toEqual(expect.any(String));
      expect(JSON.stringify(schema), fileName).not.toContain('"additionalProperties":false');
    }
  });
});

describe("examples against the generated JSON Schemas (ajv)", () => {
  const ajv = newAjv();
  const validators = new Map(generated.map((entry) => [entry.fileName, ajv.compile(entry.schema)]));
  const examples = readdirSync(resolve(protocolDir, "examples")).filter((name) => name.endsWith(".json"));

  it("has one example per message type", () => {
    const types = generated
      .map((entry) => entry.fileName.replace(".schema.json", ""))
      .filter((t) => t !== "envelope");
    expect(examples.map((name) => name.replace(/\.json$/, "")).sort()).toEqual(types.sort());
  });

  it.each(examples)("examples/%s validates against its schema and the envelope schema", (name) => {
    const message = readJson(resolve(protocolDir, "examples", name));
    for (const fileName of [name.replace(/\.json$/, ".schema.json"), "envelope.schema.json"]) {
      const validate = validators.get(fileName);
      expect(validate, fileName).toBeDefined();
      const valid = validate?.(message);
      expect(validate?.errors ?? [], `${name} against ${fileName}`).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it("rejects what the contract rejects, and accepts unknown fields", () => {
    const validate = validators.get("position.schema.json");
    const position = readJson(resolve(protocolDir, "examples", "position.json"));
    const body = position.body as Record<string, unknown>;
    expect(validate?.({ ...position, extra: 1, body: { ...body, extra: 2 } })).toBe(true);
    expect(validate?.({ ...position, body: { ...body, lat: 91 } })).toBe(false);
    expect(validate?.errors?.[0]?.instancePath).toBe("/body/lat");
    expect(validate?.({ ...position, body: { ...body, lon: undefined, lat: undefined } })).toBe(false);
    expect(validate?.({ ...position, ts: "2026-11-23T22:04:05+01:00" })).toBe(false);
    expect(validate?.({ ...position, v: 2 })).toBe(false);
    expect(validate?.({ ...position, id: "0f8fad5b-d9cb-469f-a165-70867728950e" })).toBe(false);
    expect(validate?.({ ...position, type: "status" })).toBe(false);
    const message = readJson(resolve(protocolDir, "examples", "message.json"));
    const text = validators.get("message.schema.json");
    expect(text?.({ ...message, body: { text: "x".repeat(1024 * 1024) } })).toBe(false);
  });
});

describe("README examples", () => {
  const readme = readFileSync(resolve(protocolDir, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
  const ajv = newAjv();
  const validators = new Map(generated.map((entry) => [entry.fileName, ajv.compile(entry.schema)]));

  it("shows some messages", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((block, index) => [index + 1, block] as const))(
    "JSON block %i is a real message: zod and ajv accept it",
    (_index, block) => {
      const message = JSON.parse(block) as { type: string; src: string };
      const zodSchema = message.src === "dispatch" ? commandSchema : carMessageSchema;
      expect(zodSchema.safeParse(message).error).toBeUndefined();
      for (const fileName of [`${message.type}.schema.json`, "envelope.schema.json"]) {
        const validate = validators.get(fileName);
        expect(validate?.(message), `${fileName}: ${JSON.stringify(validate?.errors)}`).toBe(true);
      }
    },
  );
});
