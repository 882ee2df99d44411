/**
 * Loads the core's configuration: the JSON file given by `--config`, then environment overrides
 * (`configFieldEnv`), then validation by `configSchema`. Every problem is reported at once as
 * `path.to.field: reason`, so that a technician fixes the file in one go; the CLI prints
 * `ConfigError.message` and exits 2.
 *
 * Relative paths in the file resolve against the file's folder (so a config works wherever the
 * service's working directory is, e.g. `/` under systemd); relative paths from the environment
 * resolve against the working directory, where the person who typed them stands.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { z } from "zod";
import {
  type Config,
  configFieldEnv,
  configFilePathFields,
  configSchema,
  profileIdPattern,
} from "../contracts/config.ts";

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], heading = "Invalid configuration") {
    super(`${heading}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** The value of `--config`; without it, the configuration comes from the environment alone. */
  argvConfigPath?: string;
  env: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
  /** Working directory for relative paths from argv and env (default `process.cwd()`). */
  cwd?: string;
  /** Where bare profile ids are looked up (default: the repository's hardware/profiles). */
  profilesDir?: string;
}

export const defaultProfilesDir = resolve(import.meta.dirname, "../../hardware/profiles");

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

/** `equipment[2].cylinder.reserveBar` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out === "" ? "(root)" : out;
}

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

const articles: Record<string, string> = {
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  int: "an integer",
};

/** "must be at least 1", "must have at most 500 items": zod's default reads "Too small: expected number to be >=1". */
function boundReason(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === "too_small";
  const bound = small ? issue.minimum : issue.maximum;
  const word = small
    ? issue.inclusive
      ? "at least"
      : "more than"
    : issue.inclusive
      ? "at most"
      : "less than";
  if (issue.origin === "array" || issue.origin === "set") return `must have ${word} ${bound} items`;
  if (issue.origin === "string") return `must have ${word} ${bound} characters`;
  if (issue.origin === "date") return `must be ${small ? "on or after" : "on or before"} ${String(bound)}`;
  return `must be ${word} ${bound}`;
}

/**
 * Turns zod issues into `path: reason` lines. `sourceOf` may name where a value came from (an env
 * variable), appended as `(from X)`.
 */
export function formatIssues(
  issues: readonly Issue[],
  sourceOf: (path: string) => string | undefined = () => undefined,
): string[] {
  const lines: string[] = [];
  const push = (path: readonly PathSegment[], reason: string) => {
    const where = formatPath(path);
    const source = sourceOf(where);
    lines.push(`${where}: ${reason}${source ? ` (from ${source})` : ""}`);
  };
  for (const issue of issues) {
    const input = (issue as { input?: unknown }).input;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) push([...issue.path, key], "unknown field");
    } else if (issue.code === "invalid_type") {
      if (input === undefined) push(issue.path, "required");
      else
        push(
          issue.path,
          `expected ${articles[issue.expected] ?? issue.expected}, got ${describeValue(input)}`,
        );
    } else if (issue.code === "invalid_union" && "options" in issue && issue.discriminator !== undefined) {
      // A discriminated union whose discriminator matched nothing: zod 4 puts the tag in the path,
      // lists the allowed tags in `options` and gives the whole object as `input`.
      const tag = isPlainObject(input) ? input[issue.discriminator] : undefined;
      const expected = `expected one of ${(issue.options ?? []).map((option) => JSON.stringify(option)).join(", ")}`;
      push(
        issue.path,
        tag === undefined ? `required (${expected})` : `${expected}, got ${describeValue(tag)}`,
      );
    } else if (issue.code === "invalid_value" && /^Invalid (option|input)/.test(issue.message)) {
      // Enums and literals without a message of ours: zod's default ("Invalid option: expected one of
      // "a"|"b"") is noisier. A schema's own message (http.host) says why, so it is kept below.
      const expected = issue.values.map((value) => JSON.stringify(value)).join(", ");
      const reason = issue.values.length === 1 ? `must be ${expected}` : `expected one of ${expected}`;
      push(
        issue.path,
        input === undefined ? `required (${reason})` : `${reason}, got ${describeValue(input)}`,
      );
    } else if (
      (issue.code === "too_small" || issue.code === "too_big") &&
      /^Too (small|big)/.test(issue.message)
    ) {
      push(issue.path, `${boundReason(issue)}${input === undefined ? "" : `, got ${describeValue(input)}`}`);
    } else {
      const got = input !== undefined && (typeof input !== "object" || input === null);
      push(issue.path, got ? `${issue.message}, got ${describeValue(input)}` : issue.message);
    }
  }
  return lines;
}

function readJsonObject(path: string, readFile: (path: string) => string): Record<string, unknown> {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new ConfigError([`${path}: cannot read the file (${(error as Error).message})`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid JSON (${(error as Error).message})`]);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new ConfigError([`${path}: expected a JSON object, got ${describeValue(parsed)}`]);
  return parsed as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A decimal number in env text becomes a number; anything else stays text, for zod to reject by name. */
function coerceNumber(text: string): number | string {
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(text) ? Number(text) : text;
}

/** Applies env overrides in place; returns which dotted paths came from which variable. */
function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const sources = new Map<string, string>();
  for (const [name, binding] of Object.entries(configFieldEnv)) {
    const text = env[name];
    if (text === undefined || text === "") continue;
    let target = raw;
    const parents = binding.path.slice(0, -1);
    const leaf = binding.path[binding.path.length - 1] as string;
    let reachable = true;
    for (const key of parents) {
      const next = target[key] ?? {};
      // The file holds a non-object here: leave it, so that validation reports the file's mistake.
      if (!isPlainObject(next)) {
        reachable = false;
        break;
      }
      target[key] = next;
      target = next;
    }
    if (!reachable) continue;
    target[leaf] = binding.kind === "integer" ? coerceNumber(text) : text;
    sources.set(formatPath(binding.path), name);
  }
  return sources;
}

function getAt(object: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = object;
  for (const key of path) value = isPlainObject(value) ? value[key] : undefined;
  return value;
}

function setAt(object: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target: unknown = object;
  for (const key of path.slice(0, -1)) target = isPlainObject(target) ? target[key] : undefined;
  if (isPlainObject(target)) target[path[path.length - 1] as string] = value;
}

export function loadConfig(options: LoadConfigOptions): Config {
  const cwd = options.cwd ?? process.cwd();
  const readFile = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const filePath = options.argvConfigPath === undefined ? undefined : resolve(cwd, options.argvConfigPath);
  const raw = filePath === undefined ? {} : readJsonObject(filePath, readFile);
  const fromEnv = applyEnv(raw, options.env);

  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const heading = filePath ? `Invalid configuration (${filePath})` : "Invalid configuration";
    throw new ConfigError(
      formatIssues(result.error.issues, (path) => fromEnv.get(path)),
      heading,
    );
  }
  const config = result.data;
  const baseOf = (path: readonly string[]) =>
    fromEnv.has(formatPath(path)) || filePath === undefined ? cwd : dirname(filePath);

  for (const path of configFilePathFields) {
    const value = getAt(config, path);
    if (typeof value === "string") setAt(config, path, resolve(baseOf(path), value));
  }
  config.profile = profileIdPattern.test(config.profile)
    ? join(options.profilesDir ?? defaultProfilesDir, `${config.profile}.json`)
    : resolve(baseOf(["profile"]), config.profile);
  return config;
}
