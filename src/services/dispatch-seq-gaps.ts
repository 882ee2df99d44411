/**
 * Loss detection from `seq` (PROTOCOL.md A: one seq per car across every outbox message, +1 each,
 * surviving restarts; "gaps show loss"). Pure: the store keeps the state per car and runs this inside
 * the transaction that stores the message, so that several dispatch instances sharing the load (MQTT
 * shared subscriptions deliver a car's messages to different instances, in no guaranteed order)
 * still agree.
 *
 * A gap is opened when a seq jumps ahead, and shrinks as late messages fill it: messages on different
 * topics, or through different instances, may overtake each other, so a gap is "missing so far",
 * not "lost for good". Only the open gaps are kept, as inclusive ranges.
 */

export interface SeqRange {
  from: number;
  to: number;
}

export interface SeqState {
  /** The highest seq seen, or null before the first. */
  lastSeq: number | null;
  /** Missing ranges below `lastSeq`, ascending, disjoint. */
  gaps: readonly SeqRange[];
}

export type SeqVerdict = "next" | "gap_opened" | "gap_filled" | "first" | "stale";

export interface SeqStep {
  state: SeqState;
  verdict: SeqVerdict;
}

/**
 * Beyond this many open ranges, the oldest are forgotten: a car whose store was wiped and restarted
 * from seq 1 must not make dispatch carry thousands of ranges forever.
 */
export const maxOpenGaps = 64;

export const emptySeqState: SeqState = { lastSeq: null, gaps: [] };

export function applySeq(state: SeqState, seq: number): SeqStep {
  if (state.lastSeq === null) return { state: { lastSeq: seq, gaps: [] }, verdict: "first" };
  if (seq === state.lastSeq + 1) return { state: { lastSeq: seq, gaps: state.gaps }, verdict: "next" };
  if (seq > state.lastSeq) {
    const gaps = [...state.gaps, { from: state.lastSeq + 1, to: seq - 1 }].slice(-maxOpenGaps);
    return { state: { lastSeq: seq, gaps }, verdict: "gap_opened" };
  }
  const index = state.gaps.findIndex((gap) => seq >= gap.from && seq <= gap.to);
  const gap = state.gaps[index];
  // A seq at or below the last one that fills no gap is a duplicate the id check did not catch
  // (a re-sent message under a new id would be a car bug) or a car that restarted its numbering.
  if (gap === undefined) return { state, verdict: "stale" };
  const split: SeqRange[] = [];
  if (gap.from < seq) split.push({ from: gap.from, to: seq - 1 });
  if (seq < gap.to) split.push({ from: seq + 1, to: gap.to });
  const gaps = [...state.gaps.slice(0, index), ...split, ...state.gaps.slice(index + 1)];
  return { state: { lastSeq: state.lastSeq, gaps }, verdict: "gap_filled" };
}

/** How many seqs are missing so far. */
export function missingCount(state: SeqState): number {
  return state.gaps.reduce((sum, gap) => sum + gap.to - gap.from + 1, 0);
}
