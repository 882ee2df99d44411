/**
 * `npm ci` refuses a lock file that omits any optional dependency a locked package declares, even
 * one for another platform. The registry this project is built against does not serve every
 * platform's binary package (Biome's darwin, win32 and musl builds 404), so a plain `npm install`
 * silently writes such an incomplete lock and the next clean clone cannot install at all. Those
 * entries are kept in package-lock.json by hand (os/cpu say they are never installed here); this
 * test catches a lock regenerated without them before CI does.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

describe("package-lock.json", () => {
  it("has an entry for every optional dependency of every locked package (npm ci needs it)", () => {
    const lock = JSON.parse(readFileSync(join(import.meta.dirname, "../../package-lock.json"), "utf8")) as {
      packages: Record<string, LockEntry>;
    };
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages))
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = `${path}/node_modules/${name}`;
        if (!(nested in lock.packages) && !(`node_modules/${name}` in lock.packages))
          missing.push(`${name} (wanted by ${path || "the project"})`);
      }
    expect(missing).toEqual([]);
  });
});
