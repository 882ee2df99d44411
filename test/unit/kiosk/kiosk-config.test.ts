import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  healthzUrl,
  parseKioskHandoff,
  readKioskHandoff,
  uiAddress,
} from "../../../apps/kiosk/main/kiosk-config.ts";

const token = "Zm9vYmFyYmF6cXV4LXRva2VuLTEyMzQ";
const good = { url: "http://127.0.0.1:7380/", token, pid: 1234 };

function reasonFor(value: unknown): string {
  const read = parseKioskHandoff(typeof value === "string" ? value : JSON.stringify(value), "kiosk.json");
  if (read.ok) throw new Error("expected a refusal");
  return read.reason;
}

describe("kiosk.json", () => {
  it("gives the address with the token in the fragment, and the health check beside it", () => {
    const read = parseKioskHandoff(JSON.stringify({ ...good, startedAt: "later field" }), "kiosk.json");
    expect(read).toEqual({ ok: true, handoff: good });
    if (!read.ok) return;
    expect(uiAddress(read.handoff)).toBe(`http://127.0.0.1:7380/#token=${token}`);
    expect(healthzUrl(read.handoff)).toBe("http://127.0.0.1:7380/healthz");
  });

  it("says which field is wrong and why", () => {
    expect(reasonFor("{ url: ")).toMatch(/^kiosk\.json: not valid JSON \(/);
    expect(reasonFor({ ...good, url: "http://192.168.1.20:7380/" })).toBe(
      'kiosk.json: "url" must be http://127.0.0.1:<port>/ (the core\'s loopback address)',
    );
    expect(reasonFor({ ...good, url: "https://127.0.0.1:7380/" })).toContain(
      '"url" must be http://127.0.0.1',
    );
    expect(reasonFor({ ...good, url: "http://127.0.0.1/" })).toContain('"url" must be');
    expect(reasonFor({ ...good, token: "short" })).toBe(
      'kiosk.json: "token" must be the per-boot token (at least 16 characters)',
    );
    expect(reasonFor({ ...good, token: "a token with spaces and+plus" })).toContain(
      '"token" must be URL-safe',
    );
    expect(reasonFor({ url: good.url, token })).toMatch(/"pid" /);
    expect(reasonFor([])).toMatch(/^kiosk\.json: the file /);
  });
});

describe("reading kiosk.json from the data folder", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sosm-kiosk-config-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("tells a file not written yet from a broken one", () => {
    const missing = readKioskHandoff(dir);
    expect(missing).toEqual({ ok: false, missing: true, reason: `${dir}/kiosk.json is not written yet` });
    writeFileSync(join(dir, "kiosk.json"), "", { mode: 0o600 });
    expect(readKioskHandoff(dir)).toMatchObject({ ok: false, missing: false });
    writeFileSync(join(dir, "kiosk.json"), JSON.stringify(good), { mode: 0o600 });
    expect(readKioskHandoff(dir)).toEqual({ ok: true, handoff: good });
  });

  it("explains an unreadable file (the screen runs as another user than the core)", () => {
    const denied = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    const read = readKioskHandoff(dir, () => {
      throw denied;
    });
    expect(read).toEqual({ ok: false, missing: false, reason: `${dir}/kiosk.json: cannot be read (EACCES)` });
    // And for real where the test does not run as root (root reads a 0600 file anyway).
    writeFileSync(join(dir, "kiosk.json"), JSON.stringify(good));
    chmodSync(join(dir, "kiosk.json"), 0o000);
    if (process.getuid?.() !== 0) expect(readKioskHandoff(dir)).toMatchObject({ ok: false, missing: false });
  });
});
