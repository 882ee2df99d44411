import { describe, expect, it } from "vitest";
import {
  applySeq,
  emptySeqState,
  maxOpenGaps,
  missingCount,
  type SeqState,
} from "../../../src/services/dispatch-seq-gaps.ts";

function run(seqs: number[]): SeqState {
  return seqs.reduce((state, seq) => applySeq(state, seq).state, emptySeqState);
}

describe("seq gap detection", () => {
  it("sees no gap in a contiguous run, whatever the first seq", () => {
    const state = run([41, 42, 43, 44]);
    expect(state).toEqual({ lastSeq: 44, gaps: [] });
    expect(missingCount(state)).toBe(0);
  });

  it("opens a gap when seq jumps ahead and counts what is missing", () => {
    const step = applySeq(run([1, 2]), 6);
    expect(step.verdict).toBe("gap_opened");
    expect(step.state.gaps).toEqual([{ from: 3, to: 5 }]);
    expect(missingCount(step.state)).toBe(3);
  });

  it("shrinks and splits a gap as late messages fill it", () => {
    let state = run([1, 2, 8]);
    state = applySeq(state, 5).state;
    expect(state.gaps).toEqual([
      { from: 3, to: 4 },
      { from: 6, to: 7 },
    ]);
    state = run([1, 2, 8, 5, 3, 4, 6, 7]);
    expect(state).toEqual({ lastSeq: 8, gaps: [] });
  });

  it("calls a seq below the last that fills no gap stale, and changes nothing", () => {
    const state = run([1, 2, 3]);
    const step = applySeq(state, 2);
    expect(step.verdict).toBe("stale");
    expect(step.state).toBe(state);
  });

  it("keeps a bounded number of open gaps", () => {
    const seqs = Array.from({ length: maxOpenGaps + 10 }, (_, i) => i * 3);
    const state = run(seqs);
    expect(state.gaps).toHaveLength(maxOpenGaps);
    const [before = 0, last = 0] = seqs.slice(-2);
    expect(state.gaps.at(-1)).toEqual({ from: before + 1, to: last - 1 });
  });
});
