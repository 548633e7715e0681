// The parallel selective scan's schedule, as data: which steps each thread composes serially and
// which pairs of partial results combine at each level, for the UI's "how the parallel scan
// works" view. It mirrors shaders/scan.wgsl (forwardParallel, chunkTotals, chunkCarries) and the
// chunking of src/kernels/scan.ts (which takes its default thread count from here); replaying it
// in float64 (`replayScanLevels`) must give the sequential recurrence, which the tests check.
//
// The recurrence h_t = a_t·h_{t-1} + b_t composes as pairs: (a1, b1) then (a2, b2) is
// (a2·a1, a2·b1 + b2). Inside a chunk of threads·items steps:
//   level 0         thread i composes its run of `items` steps serially into one pair;
//   levels 1..k     a Hillis-Steele scan over the threads' pairs in workgroup memory: at the level
//                   with offset o (1, 2, 4, ...), thread i ≥ o composes thread i-o's partial before
//                   its own, so after log2(threads) levels thread i holds runs 0..i composed (on a
//                   device with subgroups the kernels run these levels within each subgroup by
//                   shuffles and compose the subgroup totals after: the same result, drawn here
//                   as the workgroup-memory schedule);
//   carry           a sequence of several chunks: chunk c starts from the composition of the
//                   totals of chunks 0..c-1 (a short serial scan, chunkCarries);
//   apply           each thread starts from (carry, then runs 0..i-1) and walks its run again,
//                   producing every h_t.

/** Steps each thread scans serially, by default. */
export const DEFAULT_SCAN_ITEMS = 4;

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Threads per workgroup the parallel scan takes for L steps: enough for one chunk, at most 256 (a power of two). */
export function defaultScanThreads(seqLen: number, items = DEFAULT_SCAN_ITEMS, maxThreads = 256): number {
  return Math.min(Math.min(256, maxThreads), nextPow2(Math.ceil(seqLen / items)));
}

export interface ScanLevel {
  /** How far back each thread reaches at this level. */
  offset: number;
  /** [from, to]: thread `to` composes thread `from`'s partial before its own. */
  pairs: Array<[number, number]>;
}

export interface ScanLevels {
  seqLen: number;
  threads: number;
  items: number;
  chunkLen: number;
  numChunks: number;
  /** Level 0, the same in every chunk: thread i's run of steps [start, end) within the chunk. */
  runs: Array<[number, number]>;
  /** The combining levels, first to last (ceil(log2(threads)) of them). */
  levels: ScanLevel[];
}

export function scanLevels(seqLen: number, threads = defaultScanThreads(seqLen), items = DEFAULT_SCAN_ITEMS): ScanLevels {
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new Error(`scan levels: the sequence length must be a positive integer, got ${seqLen}`);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`scan levels: threads must be a positive integer, got ${threads}`);
  if (!Number.isInteger(items) || items < 1) throw new Error(`scan levels: items must be a positive integer, got ${items}`);
  const chunkLen = threads * items;
  const runs = Array.from({ length: threads }, (_, i): [number, number] => [i * items, (i + 1) * items]);
  const levels: ScanLevel[] = [];
  for (let offset = 1; offset < threads; offset *= 2) {
    const pairs: Array<[number, number]> = [];
    for (let i = offset; i < threads; i++) pairs.push([i - offset, i]);
    levels.push({ offset, pairs });
  }
  return { seqLen, threads, items, chunkLen, numChunks: Math.ceil(seqLen / chunkLen), runs, levels };
}

/**
 * Per row (0: the runs, k: after level k), the threads whose partial results reach `thread`'s
 * result after the last level: what the UI highlights. For thread i it ends at threads 0..i.
 */
export function dependencyCone(s: ScanLevels, thread: number): Array<Set<number>> {
  const rows: Array<Set<number>> = new Array(s.levels.length + 1);
  rows[s.levels.length] = new Set([thread]);
  for (let k = s.levels.length - 1; k >= 0; k--) {
    const after = rows[k + 1];
    const before = new Set(after);
    for (const [from, to] of s.levels[k].pairs) if (after.has(to)) before.add(from);
    rows[k] = before;
  }
  return rows;
}

type Pair = [a: number, b: number];
const IDENTITY: Pair = [1, 0];
/** `first` then `second`. */
const then = (first: Pair, second: Pair): Pair => [second[0] * first[0], second[0] * first[1] + second[1]];

/**
 * Replays the schedule on the steps (a_t, b_t) of one sequence from h = 0, in float64, and returns
 * every h_t: the runs, the levels in order (each level reading the previous level's partials, as
 * the workgroup barriers make the kernel do), the chunk carries, and the final walk.
 */
export function replayScanLevels(s: ScanLevels, a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const L = s.seqLen;
  if (a.length < L || b.length < L) throw new Error(`scan levels: ${L} steps need ${L} values of a and b`);
  const step = (t: number): Pair => (t < L ? [a[t], b[t]] : IDENTITY); // past the end: the identity
  const h = new Float64Array(L);
  let carry = 0; // the state before the chunk
  for (let c = 0; c < s.numChunks; c++) {
    const t0 = c * s.chunkLen;
    let partial = s.runs.map(([start, end]) => {
      let run = IDENTITY;
      for (let t = start; t < end; t++) run = then(run, step(t0 + t));
      return run;
    });
    for (const level of s.levels) {
      const next = partial.slice();
      for (const [from, to] of level.pairs) next[to] = then(partial[from], partial[to]);
      partial = next;
    }
    for (let i = 0; i < s.threads; i++) {
      const before = i > 0 ? partial[i - 1] : IDENTITY;
      let x = before[0] * carry + before[1];
      const [start, end] = s.runs[i];
      for (let t = start; t < end && t0 + t < L; t++) {
        const [at, bt] = step(t0 + t);
        x = at * x + bt;
        h[t0 + t] = x;
      }
    }
    const total = partial[s.threads - 1];
    carry = total[0] * carry + total[1];
  }
  return h;
}
