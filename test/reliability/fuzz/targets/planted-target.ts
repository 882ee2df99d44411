/**
 * The fuzzer's own check (coverage-fuzz.test.ts): a bug behind three nested byte comparisons. Blind
 * random inputs need about 2^24 tries to reach it; coverage guidance keeps each input that passes
 * one more comparison, so it is found in seconds. No dictionary, so nothing gives the bytes away.
 */
import type { FuzzTarget } from "../coverage-fuzzer.ts";

export function plantedBug(input: Uint8Array): void {
  if (input[0] === 0x53) {
    if (input[1] === 0x4f) {
      if (input[2] === 0x53) throw new Error("planted bug reached");
    }
  }
}

export function plantedTarget(): FuzzTarget {
  return {
    name: "planted",
    sources: ["/test/reliability/fuzz/targets/planted-target.ts"],
    maxInputBytes: 16,
    dictionary: [],
    seeds: () => [Buffer.from("hello")],
    exec: plantedBug,
  };
}
