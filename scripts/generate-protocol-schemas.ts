/**
 * Writes the JSON Schema of every MQTT message type and of the envelope to docs/protocol/, from the
 * zod schemas in src/contracts (DESIGN.md §2). Run `npm run protocol:schemas` after changing a
 * contract; test/unit/contracts/json-schemas.test.ts fails while the committed files are stale.
 *
 * Schema files this generator no longer produces are removed, so that a renamed type cannot leave a
 * stale contract behind.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { protocolJsonSchemas } from "../src/contracts/json-schemas.ts";

const outDir = resolve(import.meta.dirname, "../docs/protocol");

/** The exact text of a generated file: 2-space JSON and a trailing newline. */
export function schemaFileText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function main(): void {
  mkdirSync(outDir, { recursive: true });
  const generated = protocolJsonSchemas();
  const names = new Set(generated.map((entry) => entry.fileName));
  for (const name of readdirSync(outDir)) {
    if (name.endsWith(".schema.json") && !names.has(name)) rmSync(join(outDir, name));
  }
  for (const { fileName, schema } of generated) {
    writeFileSync(join(outDir, fileName), schemaFileText(schema));
  }
  console.log(`wrote ${generated.length} schemas to ${outDir}`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
