/** The disk space reserve on a real folder; the full-disk case itself is in test/reliability/chaos. */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import { SpaceReserve } from "../../../src/store/space-reserve.ts";

const logger = createLogger({ name: "test", level: "silent" });
const bytes = 3 * 1024 * 1024 + 17; // not a multiple of the 1 MiB chunk
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sosm-reserve-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the disk space reserve", () => {
  it("takes a written file of its size, once, and gives it back", () => {
    const reserve = new SpaceReserve({ dir, logger, bytes });
    expect(reserve.held()).toBe(false);
    expect(reserve.ensure()).toBe(true);
    expect(statSync(reserve.path).size).toBe(bytes);
    // Written, not sparse: a sparse file would free nothing.
    expect(statSync(reserve.path).blocks * 512).toBeGreaterThanOrEqual(bytes);
    expect(reserve.ensure()).toBe(true);
    expect(readdirSync(dir)).toEqual(["space-reserve.bin"]);
    expect(reserve.release()).toBe(bytes);
    expect(existsSync(reserve.path)).toBe(false);
    expect(reserve.release()).toBe(0);
  });

  it("does not take the last free space: it asks for its size twice over", () => {
    const tight = new SpaceReserve({ dir, logger, bytes, freeBytes: () => 2 * bytes - 1 });
    expect(tight.ensure()).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    const roomy = new SpaceReserve({ dir, logger, bytes, freeBytes: () => 2 * bytes });
    expect(roomy.ensure()).toBe(true);
  });

  it("replaces a reserve of the wrong size (cut short by a power loss) and never throws", () => {
    const small = new SpaceReserve({ dir, logger, bytes: 1024 });
    expect(small.ensure()).toBe(true);
    const reserve = new SpaceReserve({ dir, logger, bytes });
    expect(reserve.held()).toBe(false);
    expect(reserve.ensure()).toBe(true);
    expect(statSync(reserve.path).size).toBe(bytes);
    const nowhere = new SpaceReserve({ dir: join(dir, "missing"), logger, bytes });
    expect(nowhere.ensure()).toBe(false);
  });
});
