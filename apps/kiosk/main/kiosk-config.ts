/**
 * `{dataDir}/kiosk.json`: what the core tells the screen once its loopback server listens.
 * Contract (issue 6, agreed with the server side): `{ "url": "http://127.0.0.1:<port>/",
 * "token": "<per-boot token>", "pid": <core pid> }`, file mode 0600, written after `listen`.
 * The UI is opened at `<url>#token=<token>`: a fragment never leaves the browser, so the token is
 * not in any request line or proxy log.
 *
 * Both the Electron shell and the `npm start` launcher read it through this module, so neither
 * imports "electron" here (PITFALLS.md: `require("electron")` under plain Node throws).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const kioskFileName = "kiosk.json";

const loopbackUrl = z.string().refine(
  (text) => {
    if (!URL.canParse(text)) return false;
    const url = new URL(text);
    // Loopback only (DESIGN.md §4): a kiosk.json pointing elsewhere is tampering or a bug.
    return (
      url.protocol === "http:" && url.hostname === "127.0.0.1" && url.port !== "" && url.pathname === "/"
    );
  },
  { error: "must be http://127.0.0.1:<port>/ (the core's loopback address)" },
);

/** Non-strict on purpose: the core may add fields later (PROTOCOL.md: add freely, rename none). */
export const kioskHandoffSchema = z.object({
  url: loopbackUrl,
  token: z
    .string()
    .min(16, { error: "must be the per-boot token (at least 16 characters)" })
    .max(512)
    .regex(/^[A-Za-z0-9._~-]+$/, { error: "must be URL-safe (letters, digits, . _ ~ -)" }),
  pid: z.number().int().positive(),
});

export type KioskHandoff = z.infer<typeof kioskHandoffSchema>;

export type KioskHandoffRead =
  | { ok: true; handoff: KioskHandoff }
  | { ok: false; missing: true; reason: string }
  | { ok: false; missing: false; reason: string };

/** Turns the text of kiosk.json into the handoff, or a reason a technician can act on. */
export function parseKioskHandoff(text: string, source: string): KioskHandoffRead {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, missing: false, reason: `${source}: not valid JSON (${detail})` };
  }
  const parsed = kioskHandoffSchema.safeParse(json);
  if (parsed.success) return { ok: true, handoff: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? `"${issue.path.join(".")}"` : "the file";
    return `${field} ${issue.message}`;
  });
  return { ok: false, missing: false, reason: `${source}: ${problems.join("; ")}` };
}

export function kioskHandoffPath(dataDir: string): string {
  return join(dataDir, kioskFileName);
}

export function readKioskHandoff(
  dataDir: string,
  readText: (path: string) => string = (path) => readFileSync(path, "utf8"),
): KioskHandoffRead {
  const path = kioskHandoffPath(dataDir);
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, missing: true, reason: `${path} is not written yet` };
    // EACCES usually means the kiosk runs as another user than the core (the file is 0600).
    return { ok: false, missing: false, reason: `${path}: cannot be read (${code ?? String(error)})` };
  }
  return parseKioskHandoff(text, path);
}

/** Where the screen opens: the token travels in the fragment, never in the query string. */
export function uiAddress(handoff: KioskHandoff): string {
  return `${handoff.url}#token=${handoff.token}`;
}

export function healthzUrl(handoff: KioskHandoff): string {
  return new URL("healthz", handoff.url).toString();
}
