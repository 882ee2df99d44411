/**
 * Mutations for the coverage-guided fuzzer (coverage-fuzzer.ts), AFL "havoc" style: a child is its
 * parent with 1 to 8 stacked byte-level edits (bit flips, interesting bytes, inserts, deletes,
 * duplicated runs, dictionary tokens, numbers swapped for edge values, a splice with another corpus
 * entry), or one structure-aware edit of the JSON it carries (mutateJson), so that mutants of
 * commands and API bodies still reach the schema instead of dying in JSON.parse.
 * Everything draws from a seeded PRNG, so that a run is reproducible from its seed.
 */

/** mulberry32: small, fast and good enough to pick mutations; seeded for reproducible runs. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) throw new RangeError("pick from an empty list");
    return item;
  }
}

const encoder = new TextEncoder();
const interestingBytes = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0d, 0x0a, 0x24, 0x2a, 0x2c, 0x22, 0x7b, 0x7d, 0x20];
/** Number texts that broke parsers before: signs, -0, huge, tiny, exponents, hex, NaN spelt out. */
export const interestingNumbers = [
  "0",
  "-0",
  "-1",
  "1",
  "00",
  "0.0",
  "255",
  "256",
  "65535",
  "2147483648",
  "4294967296",
  "9007199254740993",
  "99999999999999999999",
  "1e309",
  "-1e309",
  "1e-7",
  "0x1F",
  "NaN",
  "Infinity",
  ".5",
  "5.",
  "+1",
  "",
];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

type ByteMutation = (input: Uint8Array, rng: Rng, ctx: MutationContext) => Uint8Array;

export interface MutationContext {
  dictionary: readonly Uint8Array[];
  /** Another corpus entry, for splicing. */
  other: () => Uint8Array;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

const byteMutations: ByteMutation[] = [
  // Bit flip.
  (input, rng) => {
    if (input.length === 0) return input;
    const out = new Uint8Array(input); // a copy: Buffer#slice would share the parent's memory
    const i = rng.below(out.length);
    out[i] = (out[i] ?? 0) ^ (1 << rng.below(8));
    return out;
  },
  // Interesting or random byte overwritten.
  (input, rng) => {
    if (input.length === 0) return input;
    const out = new Uint8Array(input); // a copy: Buffer#slice would share the parent's memory
    out[rng.below(out.length)] = rng.chance(0.5) ? rng.pick(interestingBytes) : rng.below(256);
    return out;
  },
  // Random bytes inserted.
  (input, rng) => {
    const at = rng.below(input.length + 1);
    const bytes = Uint8Array.from({ length: 1 + rng.below(8) }, () => rng.below(256));
    return concat(input.subarray(0, at), bytes, input.subarray(at));
  },
  // A run deleted.
  (input, rng) => {
    if (input.length < 2) return input;
    const at = rng.below(input.length);
    const n = 1 + rng.below(Math.min(32, input.length - at));
    return concat(input.subarray(0, at), input.subarray(at + n));
  },
  // A run duplicated (repeated fields, a sentence twice on one line).
  (input, rng) => {
    if (input.length === 0) return input;
    const at = rng.below(input.length);
    const n = 1 + rng.below(Math.min(64, input.length - at));
    const at2 = rng.below(input.length + 1);
    return concat(input.subarray(0, at2), input.subarray(at, at + n), input.subarray(at2));
  },
  // Dictionary token inserted.
  (input, rng, ctx) => {
    if (ctx.dictionary.length === 0) return input;
    const at = rng.below(input.length + 1);
    return concat(input.subarray(0, at), rng.pick(ctx.dictionary), input.subarray(at));
  },
  // Dictionary token overwriting what is there.
  (input, rng, ctx) => {
    if (ctx.dictionary.length === 0 || input.length === 0) return input;
    const token = rng.pick(ctx.dictionary);
    const at = rng.below(input.length);
    return concat(input.subarray(0, at), token, input.subarray(Math.min(input.length, at + token.length)));
  },
  // A number (a run of digits) replaced by an edge value.
  (input, rng) => {
    const starts: number[] = [];
    for (let i = 0; i < input.length; i++) if (isDigit(input[i]) && !isDigit(input[i - 1])) starts.push(i);
    if (starts.length === 0) return input;
    const start = rng.pick(starts);
    let end = start;
    while (isDigit(input[end]) || input[end] === 0x2e) end++;
    return concat(
      input.subarray(0, start),
      encoder.encode(rng.pick(interestingNumbers)),
      input.subarray(end),
    );
  },
  // Splice: the head of this input with the tail of another corpus entry.
  (input, rng, ctx) => {
    const other = ctx.other();
    return concat(
      input.subarray(0, rng.below(input.length + 1)),
      other.subarray(rng.below(other.length + 1)),
    );
  },
  // Truncation (a line cut short by an unplug).
  (input, rng) => (input.length === 0 ? input : input.subarray(0, rng.below(input.length))),
];

/** 1 to 8 stacked byte-level mutations. */
export function havoc(input: Uint8Array, rng: Rng, ctx: MutationContext): Uint8Array {
  let out = input;
  const n = 1 << rng.below(4);
  for (let i = 0; i < n; i++) out = rng.pick(byteMutations)(out, rng, ctx);
  return out;
}

// ── JSON structure mutations ──────────────────────────────────────────────────────────────────

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function deepNest(depth: number): Json {
  let value: Json = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Values that test a schema's edges: wrong types, empty, huge, deep, prototype keys. */
function interestingValue(rng: Rng, dictionary: readonly string[]): Json {
  switch (rng.below(12)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1, 1.5, 2 ** 31, 2 ** 53 + 2, -1e308, 1e-300, 255, 65_536]);
    case 3:
      return "";
    case 4:
      return "x".repeat(rng.pick([129, 201, 1001, 4001, 16_001]));
    case 5:
      return deepNest(rng.pick([20, 200, 2000]));
    case 6:
      return JSON.parse(
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      ) as Json;
    case 7:
      return [];
    case 8:
      return {};
    case 9:
      return rng.pick(["é", "\u0000", "\ud800", "🚑", "<script>", "../../etc/passwd", "%00", "\r\n"]);
    default:
      return dictionary.length > 0 ? rng.pick(dictionary) : "x";
  }
}

/** Every container and key path in a JSON value, for picking a node at random. */
function nodes(value: Json, out: Array<{ parent: Json[] | { [key: string]: Json }; key: string | number }>) {
  if (Array.isArray(value)) {
    value.forEach((child, i) => {
      out.push({ parent: value, key: i });
      nodes(child, out);
    });
  } else if (value !== null && typeof value === "object") {
    for (const key of Object.keys(value)) {
      out.push({ parent: value, key });
      nodes(value[key] as Json, out);
    }
  }
  return out;
}

function mutateTree(root: Json, rng: Rng, dictionary: readonly string[]): Json {
  const all = nodes(root, []);
  if (all.length === 0) return rng.chance(0.5) ? interestingValue(rng, dictionary) : { type: root };
  const { parent, key } = rng.pick(all);
  const read = () => (parent as Record<string | number, Json>)[key] as Json;
  const write = (v: Json) => {
    (parent as Record<string | number, Json>)[key] = v;
  };
  switch (rng.below(8)) {
    case 0: // delete the field / element
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 1: // a value of another type or an edge value
      write(interestingValue(rng, dictionary));
      break;
    case 2: {
      // a number as a string, a string as a number
      const v = read();
      write(
        typeof v === "number" ? String(v) : typeof v === "string" && v !== "" ? Number(v) || v.length : v,
      );
      break;
    }
    case 3: // an extra field, named from the dictionary
      if (!Array.isArray(parent)) parent[dictionary.length > 0 ? rng.pick(dictionary) : "extra"] = read();
      else parent.push(read());
      break;
    case 4: // a value from the dictionary (a known enum member, type, key...)
      write(dictionary.length > 0 ? rng.pick(dictionary) : "x");
      break;
    case 5: // wrap in an array or object
      write(rng.chance(0.5) ? [read()] : { value: read() });
      break;
    case 6: {
      // copy another node's value here
      const other = rng.pick(all);
      write(structuredClone((other.parent as Record<string | number, Json>)[other.key] as Json));
      break;
    }
    default: {
      // numbers nudged across their bounds
      const v = read();
      if (typeof v === "number") write(rng.pick([v + 1, v - 1, -v, v * 1000, Math.trunc(v) + 0.5]));
      else write(interestingValue(rng, dictionary));
    }
  }
  return root;
}

/**
 * One structure-aware mutation of the JSON text in `text`; null when it does not parse (the byte
 * mutations handle that case).
 */
export function mutateJsonText(text: string, rng: Rng, dictionary: readonly string[]): string | null {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return null;
  }
  const mutated = mutateTree(root, rng, dictionary);
  let out: string;
  try {
    out = JSON.stringify(mutated, null, rng.chance(0.1) ? 1 : undefined) ?? "null";
  } catch {
    // Copying an ancestor into its own subtree, generation after generation, can nest deeper than
    // the stack: that is the mutator's limit, not the target's (deep inputs come from byte edits).
    return null;
  }
  // A duplicated key keeps the last value in JSON.parse, but a careless reader might take the first.
  if (rng.chance(0.05) && out.startsWith('{"')) return `{"type":"status.request",${out.slice(1)}`;
  return out;
}
