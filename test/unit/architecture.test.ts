/**
 * Dependencies point inwards (DESIGN.md §2):
 *   apps -> app -> {server, transport, io, store} -> services -> {domain, contracts}
 * This test reads every import of the project and fails when one points outwards, so that the
 * plan cannot drift silently.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

type Layer =
  | "domain"
  | "contracts"
  | "services"
  | "io"
  | "store"
  | "transport"
  | "server"
  | "app"
  | "apps"
  | "firmware-bridge";

/** What each layer may import from the project (besides itself). */
const allowed: Record<Layer, Layer[]> = {
  domain: [],
  contracts: ["domain"],
  services: ["domain", "contracts"],
  io: ["services", "domain", "contracts", "firmware-bridge"],
  store: ["services", "domain", "contracts"],
  transport: ["services", "domain", "contracts"],
  server: ["services", "domain", "contracts"],
  app: ["io", "store", "transport", "server", "services", "domain", "contracts", "firmware-bridge"],
  apps: ["app", "io", "store", "transport", "server", "services", "domain", "contracts", "firmware-bridge"],
  "firmware-bridge": ["domain", "contracts"],
};

/** Third-party packages each pure layer may use; the outer layers may use any. */
const pureLayerPackages: Partial<Record<Layer, RegExp>> = {
  domain: /^zod$/,
  contracts: /^zod$/,
  services: /^(zod|pino|node:events)$/,
};

function layerOf(file: string): Layer | null {
  const rel = relative(root, file).split("/");
  if (rel[0] === "src" && rel[1]) return rel[1] as Layer;
  if (rel[0] === "apps") return "apps";
  if (rel[0] === "firmware-bridge") return "firmware-bridge";
  return null;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) yield path;
  }
}

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const pattern =
    /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const match of source.matchAll(pattern)) specifiers.push((match[1] ?? match[2]) as string);
  return specifiers;
}

function violations(): string[] {
  const found: string[] = [];
  for (const top of ["src", "apps", "firmware-bridge"]) {
    let files: string[];
    try {
      files = [...sourceFiles(join(root, top))];
    } catch {
      continue;
    }
    for (const file of files) {
      const from = layerOf(file);
      if (!from) continue;
      for (const spec of importsOf(readFileSync(file, "utf8"))) {
        const where = `${relative(root, file)} imports ${spec}`;
        if (spec.startsWith(".")) {
          const to = layerOf(resolve(dirname(file), spec));
          if (to === null) found.push(`${where}: outside the source tree`);
          else if (to !== from && !allowed[from].includes(to))
            found.push(`${where}: ${from} may not depend on ${to}`);
        } else {
          const rule = pureLayerPackages[from];
          if (rule && !rule.test(spec)) found.push(`${where}: ${from} must stay free of I/O and frameworks`);
        }
      }
    }
  }
  return found;
}

describe("architecture", () => {
  it("has no import that points outwards", () => {
    expect(violations()).toEqual([]);
  });

  it("catches an outward import (self-check of this test)", () => {
    expect(importsOf('import { x } from "../io/serial.ts";\nexport type { Y } from "./y.ts";')).toEqual([
      "../io/serial.ts",
      "./y.ts",
    ]);
    expect(allowed.domain).not.toContain("io");
  });
});
