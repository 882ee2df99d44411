/**
 * The page the doctor sees while the core is not (or no longer) reachable: a local `data:` page, so
 * it shows even with no server at all. It has no script, and its CSP allows nothing but its own
 * inline style (by hash), so even a tampered state text cannot run code. French first, English
 * below (issue 6: French by default). Dark, because it is most often seen at night.
 */
import { createHash } from "node:crypto";
import type { CoreState } from "./core-waiter.ts";

interface Lines {
  fr: string;
  en: string;
}

/** What each state means for the doctor: what is happening, not how the software works. */
export function describeState(state: CoreState | null): Lines {
  switch (state?.kind) {
    case undefined:
    case "no-handoff":
      return { fr: "Démarrage du terminal…", en: "The terminal is starting…" };
    case "stale-handoff":
    case "unreachable":
      return {
        fr: "Le terminal redémarre. L'écran revient tout seul.",
        en: "The terminal is restarting. The screen will come back by itself.",
      };
    case "bad-handoff":
      return {
        fr: "Le terminal ne répond pas correctement. Si cela dure, appelez le technicien.",
        en: "The terminal is not answering properly. If this lasts, call the technician.",
      };
    case "ready":
      return { fr: "Ouverture de l'écran…", en: "Opening the screen…" };
  }
}

const style = [
  "html,body{margin:0;height:100%;background:#10151c;color:#e8edf2;font-family:sans-serif}",
  "main{height:100%;display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center;padding:0 8vw;box-sizing:border-box}",
  "h1{font-size:2.4rem;margin:0 0 .6em}",
  "p.fr{font-size:1.6rem;margin:0 0 .4em}",
  "p.en{font-size:1.2rem;margin:0;color:#a9b4bf}",
  "p.detail{font-size:.9rem;margin-top:3em;color:#6f7c88;font-family:monospace;word-break:break-all}",
].join("");

const styleHash = createHash("sha256").update(style).digest("base64");

/** Only the inline style above; no script, no image, no connection, no form, no frame. */
export const startingScreenCsp = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

export function startingScreenHtml(state: CoreState | null): string {
  const lines = describeState(state);
  const detail = state && state.kind !== "ready" ? `<p class="detail">${escapeHtml(state.detail)}</p>` : "";
  return [
    "<!doctype html>",
    '<html lang="fr"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${startingScreenCsp}">`,
    "<title>Terminal SOSM</title>",
    `<style>${style}</style></head>`,
    `<body><main><h1>Terminal SOSM</h1><p class="fr">${escapeHtml(lines.fr)}</p>`,
    `<p class="en" lang="en">${escapeHtml(lines.en)}</p>${detail}</main></body></html>`,
  ].join("");
}

/** base64, not percent-encoding: `#` in the CSP hash would otherwise end the data: URL. */
export function startingScreenUrl(state: CoreState | null): string {
  return `data:text/html;charset=utf-8;base64,${Buffer.from(startingScreenHtml(state)).toString("base64")}`;
}
