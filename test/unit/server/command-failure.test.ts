/** A command that threw: the doctor is told nothing was recorded, and that the storage is full when it is. */
import { describe, expect, it } from "vitest";
import { commandFailure } from "../../../src/server/command-failure.ts";

describe("a failed kiosk command", () => {
  it("names a full storage (SQLite or the file system), found by the chaos suite", () => {
    for (const code of ["SQLITE_FULL", "ENOSPC"])
      expect(commandFailure(Object.assign(new Error("full"), { code }))).toMatchObject({
        ok: false,
        error: { code: "storage_full", text: { fr: expect.stringContaining("Mémoire du terminal pleine") } },
      });
  });

  it("stays an internal error otherwise", () => {
    expect(commandFailure(new Error("boom"))).toMatchObject({ ok: false, error: { code: "internal" } });
    expect(commandFailure(null)).toMatchObject({ ok: false, error: { code: "internal" } });
  });
});
