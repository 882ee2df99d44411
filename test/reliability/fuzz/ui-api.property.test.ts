/**
 * Model-based properties of the kiosk UI API (src/server) on a real socket: random requests mixing
 * every Host, Origin, token, method, path, content type and body the guard distinguishes are
 * answered exactly as a small model of DESIGN.md §4 says (421, 403, 401, 415, 413, 400, 404, 405,
 * or 200), never 5xx, never with a CORS header, always with the CSP; and a command runs if and only
 * if the request was authorised and the command valid. On the WebSocket, random messages each get
 * exactly one answer, and only the valid requests run. test/unit/server/kiosk-server-security.test.ts
 * shows each refusal by example; this checks their combinations.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/app/logger.ts";
import { type UiCommand, type UiState, uiCommandSchema } from "../../../src/contracts/ui-api.ts";
import { KioskServer } from "../../../src/server/kiosk-server.ts";
import { exchange, httpRequest, parseResponses } from "../../support/fuzz-http.ts";
import { UiSocket } from "../../support/kiosk-http.ts";
import { waitUntil } from "../../support/socat.ts";
import { propertyRuns, propertyTimeoutMs } from "./property-runs.ts";
import { uiCommandSeeds } from "./targets/protocol-samples.ts";

const token = "property-token-0123456789abcdefghijklmnop";
let server: KioskServer;
let port = 0;
let dir = "";
const executed: UiCommand[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sosm-ui-prop-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>ui</title>");
  writeFileSync(join(dir, "assets", "app-1234.js"), "export {};");
  server = new KioskServer({
    host: "127.0.0.1",
    port: 0,
    token,
    staticDir: dir,
    logger: createLogger({ name: "ui-property", level: "silent" }),
    api: {
      snapshot: () => ({ at: Date.now() }) as unknown as UiState,
      execute: async (command) => {
        executed.push(command);
        return { ok: true };
      },
      onChange: () => () => {},
    },
  });
  port = (await server.start()).port;
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Stands for a 70 KB body (the real text is put in at send time, to keep counterexamples short). */
const oversized = "<70 KB>";
const bodyText = (body: string) => (body === oversized ? "x".repeat(70_000) : body);

const validCommand = fc.constantFrom(...uiCommandSeeds).map((c) => JSON.stringify(c));
const body = fc.oneof(
  validCommand,
  fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"),
  fc.string({ maxLength: 200 }),
  fc.constant(oversized),
  fc.constant(""),
);
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"),
  path: fc.oneof(
    fc.constantFrom(
      "/healthz",
      "/api/state",
      "/api/command",
      "/api/ws",
      "/api/other",
      "/",
      "/index.html",
      "/assets/app-1234.js",
    ),
    fc.constantFrom(
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/assets/../../secret.txt",
      "/assets",
      "/api",
      "/healthz/x",
    ),
    fc.array(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { maxLength: 3 }).map((parts) => `/${parts.join("/")}`),
  ),
  host: fc.constantFrom("own", "localhost", "LOCALHOST", "evil", "noport", "otherport"),
  origin: fc.constantFrom("none", "own", "localhost", "evil", "null", "sibling"),
  auth: fc.constantFrom("none", "good", "wrong", "lowercase", "basic"),
  type: fc.constantFrom("json", "json-charset", "text", "none"),
  body,
});
type Request = typeof request extends fc.Arbitrary<infer R> ? R : never;

function headersOf(r: Request): Record<string, string> {
  const host = {
    own: `127.0.0.1:${port}`,
    localhost: `localhost:${port}`,
    LOCALHOST: `LOCALHOST:${port}`,
    evil: "evil.example",
    noport: "127.0.0.1",
    otherport: `127.0.0.1:${port + 1}`,
  }[r.host];
  const origin = {
    none: null,
    own: `http://127.0.0.1:${port}`,
    localhost: `http://localhost:${port}`,
    evil: "https://evil.example",
    null: "null",
    sibling: `http://127.0.0.1:${port + 1}`,
  }[r.origin];
  const auth = {
    none: null,
    good: `Bearer ${token}`,
    wrong: `Bearer ${token}x`,
    lowercase: `bearer ${token}`,
    basic: "Basic c29zbTpzb3Nt",
  }[r.auth];
  const type = {
    json: "application/json",
    "json-charset": "application/json; charset=utf-8",
    text: "text/plain",
    none: null,
  }[r.type];
  return {
    host,
    ...(origin === null ? {} : { origin }),
    ...(auth === null ? {} : { authorization: auth }),
    ...(type === null ? {} : { "content-type": type }),
  };
}

/** DESIGN.md §4 and src/server, as a decision table. */
function expectedStatus(r: Request): number {
  if (r.host === "evil" || r.host === "noport" || r.host === "otherport") return 421;
  if (r.origin !== "none" && r.origin !== "own" && r.origin !== "localhost") return 403;
  if (r.path === "/healthz" && (r.method === "GET" || r.method === "HEAD")) return 200;
  if (r.path.startsWith("/api/")) {
    if (r.auth !== "good") return 401;
    if (r.path === "/api/state" && r.method === "GET") return 200;
    if (r.path === "/api/command" && r.method === "POST") {
      if (r.type !== "json" && r.type !== "json-charset") return 415;
      if (r.body === oversized) return 413;
      return uiCommandSchema.safeParse(parseOrUndefined(r.body)).success ? 200 : 400;
    }
    if (r.path === "/api/ws") return 426;
    return 404;
  }
  if (r.method !== "GET" && r.method !== "HEAD") return 405;
  return ["/", "/index.html", "/assets/app-1234.js"].includes(r.path) ? 200 : 404;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

describe("the kiosk UI API against its model", () => {
  it(
    "answers every combination of Host, Origin, token, method, path and body as the model says",
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 8 }), async (requests) => {
          executed.length = 0;
          const shouldRun: unknown[] = [];
          for (const r of requests) {
            const sendsBody = r.method !== "GET" && r.method !== "HEAD";
            const expected = expectedStatus({ ...r, body: sendsBody ? r.body : "" });
            const bytes = httpRequest(
              r.method,
              r.path,
              headersOf(r),
              sendsBody ? bodyText(r.body) : undefined,
            );
            const answers = parseResponses((await exchange(port, bytes)).data);
            expect(
              answers.map((a) => a.status),
              `${r.method} ${r.path} ${JSON.stringify(headersOf(r))}`,
            ).toEqual([expected]);
            const [answer] = answers;
            expect(answer?.headers["access-control-allow-origin"]).toBeUndefined();
            expect(answer?.headers["content-security-policy"]).toContain("default-src 'none'");
            if (expected === 200 && r.path === "/api/command") shouldRun.push(JSON.parse(r.body));
          }
          expect(executed).toEqual(shouldRun);
        }),
        { numRuns: propertyRuns(60, 10) },
      );
    },
    propertyTimeoutMs,
  );

  it(
    "answers each WebSocket message exactly once, and runs only the valid requests",
    async () => {
      const message = fc.oneof(
        fc
          .tuple(fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.constantFrom(...uiCommandSeeds))
          .map(([id, command]) => ({ valid: true, id, text: JSON.stringify({ requestId: id, command }) })),
        fc.jsonValue().map((v) => ({ valid: false, id: null, text: JSON.stringify(v) ?? "null" })),
        fc.string({ maxLength: 100 }).map((text) => ({ valid: false, id: null, text })),
        fc
          .constantFrom(...uiCommandSeeds)
          .map((command) => ({ valid: false, id: null, text: JSON.stringify({ command }) })),
      );
      const socket = await UiSocket.open({ port, token, origin: `http://127.0.0.1:${port}` });
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 10 }), async (messages) => {
            executed.length = 0;
            socket.messages.splice(0);
            for (const m of messages) socket.send(m.text);
            const answers = () => socket.messages.filter((m) => m.kind !== "state");
            await waitUntil(() => answers().length >= messages.length, "an answer to each message");
            await new Promise((resolve) => setTimeout(resolve, 20));
            expect(answers()).toHaveLength(messages.length);
            const valid = messages.filter((m) => m.valid);
            const okIds = answers().flatMap((a) =>
              a.kind === "result" && a.outcome.ok ? [a.requestId] : [],
            );
            expect(okIds.sort()).toEqual(valid.map((m) => m.id).sort());
            expect(executed).toHaveLength(valid.length);
          }),
          { numRuns: propertyRuns(60, 10) },
        );
      } finally {
        await socket.close();
      }
    },
    propertyTimeoutMs,
  );
});
