#!/usr/bin/env node
/**
 * `npm audit` of the production dependencies, with a clear verdict (issue 9: no high or critical
 * finding in what ships to the car).
 *
 *   node scripts/audit-prod.mjs            runs `npm audit --omit=dev --audit-level=high --json`
 *   node scripts/audit-prod.mjs --from F   judges a saved `npm audit --json` output instead
 *   add --json                             prints the verdict as one JSON line instead of text
 *
 * Verdicts: CLEAN (no high or critical finding), FINDINGS (the packages, their severity and
 * whether a fix exists) or UNAVAILABLE (the audit service could not be asked: offline, a registry
 * mirror without the audit endpoint — npmjs mirrors answer 405 to its POST —, npm missing), with
 * the reason. The exit code is non-zero only for FINDINGS: an unreachable service is reported, not
 * mistaken for a vulnerable tree or for a clean one.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const asJson = args.includes("--json");
const fromIndex = args.indexOf("--from");
const blocking = ["high", "critical"];

/** The audit's raw output: from a file, or from npm itself. */
function rawAudit() {
  if (fromIndex >= 0) {
    const file = args[fromIndex + 1];
    if (file === undefined) return { error: "--from needs a file" };
    return { stdout: readFileSync(file, "utf8"), stderr: "" };
  }
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["audit", "--omit=dev", "--audit-level=high", "--json"], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) return { error: `could not run npm: ${run.error.message}` };
  return { stdout: run.stdout ?? "", stderr: run.stderr ?? "" };
}

function lastLines(text, n = 3) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("npm warn Unknown"))
    .slice(-n)
    .join(" | ");
}

/** Turns npm's JSON into a verdict. */
function judge(stdout, stderr = "") {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    return {
      verdict: "unavailable",
      reason: `npm printed no audit report (${lastLines(stderr) || "no output"})`,
    };
  }
  const counts = report?.metadata?.vulnerabilities;
  if (counts === undefined || report.vulnerabilities === undefined) {
    // npm's error shapes: { message, statusCode, uri } for an HTTP error of the audit endpoint,
    // { error: { code, summary, detail } } for a network or config error.
    const status = report?.statusCode ? `HTTP ${report.statusCode}` : (report?.error?.code ?? "error");
    const detail = report?.message ?? report?.error?.summary ?? report?.error?.detail ?? lastLines(stderr);
    return {
      verdict: "unavailable",
      reason: `audit service unavailable (${status}): ${detail || "no detail"}`,
    };
  }
  const findings = Object.values(report.vulnerabilities)
    .filter((v) => blocking.includes(v.severity))
    .map((v) => ({
      name: v.name,
      severity: v.severity,
      range: v.range,
      fixAvailable: Boolean(v.fixAvailable),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    verdict: findings.length > 0 ? "findings" : "clean",
    counts: {
      critical: counts.critical ?? 0,
      high: counts.high ?? 0,
      moderate: counts.moderate ?? 0,
      low: counts.low ?? 0,
      info: counts.info ?? 0,
    },
    findings,
  };
}

function describe(result) {
  const head = "npm audit, production dependencies, high and critical";
  if (result.verdict === "unavailable") return `${head}: UNAVAILABLE: ${result.reason}`;
  const c = result.counts;
  const tally = `${c.critical} critical, ${c.high} high (${c.moderate} moderate, ${c.low} low, ${c.info} info)`;
  if (result.verdict === "clean") return `${head}: CLEAN: ${tally}`;
  const list = result.findings.map(
    (f) =>
      `  ${f.severity.padEnd(8)} ${f.name} ${f.range ?? ""}${f.fixAvailable ? " (fix available: npm audit fix)" : ""}`,
  );
  return [`${head}: FINDINGS: ${tally}`, ...list].join("\n");
}

const raw = rawAudit();
const result = raw.error ? { verdict: "unavailable", reason: raw.error } : judge(raw.stdout, raw.stderr);
process.stdout.write(`${asJson ? JSON.stringify(result) : describe(result)}\n`);
process.exit(result.verdict === "findings" ? 1 : 0);
