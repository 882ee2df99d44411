/**
 * Serves the built renderer (apps/kiosk/renderer/dist) and its security headers.
 *
 * Only files under the root, by their exact path: no directory listing, no `..`, no symlink out of
 * the root. The files are read at each request (a few small files; `npm run ui:build` while the core
 * runs is picked up without a restart). Vite puts a content hash in asset names, so assets may be
 * cached for good; index.html never is, so a new build shows at the next reload.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  immutable: boolean;
}

/**
 * The CSP of every answer. No inline script or style element; map tiles only from the configured
 * origin; the WebSocket only to this server.
 */
export function contentSecurityPolicy(port: number, tilesOrigin: string | null): string {
  const self = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const sockets = [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${tilesOrigin === null ? "" : ` ${tilesOrigin}`}`,
    "font-src 'self'",
    `connect-src 'self' ${[...self, ...sockets].join(" ")}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The origin of a tile URL template (`https://tile.example`), or null. */
export function tilesOriginOf(template: string | undefined): string | null {
  if (template === undefined) return null;
  const probe = template.replace(/\{[a-z]+\}/g, "0");
  return URL.canParse(probe) ? new URL(probe).origin : null;
}

export class StaticFiles {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file for a URL path, or null (404). `/` is index.html. */
  async get(urlPath: string): Promise<StaticFile | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (decoded.includes("\0") || decoded.includes("\\")) return null;
    const relative = decoded === "/" ? "index.html" : decoded.replace(/^\/+/, "");
    const candidate = resolve(join(this.root, relative));
    if (!candidate.startsWith(this.root + sep)) return null;
    try {
      const real = await realpath(candidate);
      const rootReal = await realpath(this.root);
      if (!real.startsWith(rootReal + sep)) return null;
      if (!(await stat(real)).isFile()) return null;
      const body = await readFile(real);
      return {
        body,
        contentType: contentTypes[extname(real).toLowerCase()] ?? "application/octet-stream",
        immutable: relative.startsWith("assets/"),
      };
    } catch {
      return null;
    }
  }

  async built(): Promise<boolean> {
    return (await this.get("/")) !== null;
  }
}

/** Shown when the renderer was not built: says what to do, with no script. */
export const notBuiltPage = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Terminal SOSM</title></head>
<body><h1>Interface non construite</h1><p>Lancez <code>npm run ui:build</code>, puis rechargez.</p>
<p lang="en">The UI is not built: run <code>npm run ui:build</code>, then reload.</p></body></html>
`;
