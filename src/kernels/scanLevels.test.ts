// The parallel scan's schedule as the UI shows it: replayed in float64 it must give the sequential
// recurrence (at chunk boundaries, odd lengths, many chunks), its chunking must be the kernels'
// (planScan), and it must depend on every level (dropping one breaks it).

import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { relErr } from '../reference/compare';
import { planScan } from './scan';
import { dependencyCone, replayScanLevels, scanLevels } from './scanLevels';

function steps(L: number, seed: number) {
  const rng = new Random(seed);
  return { a: rng.uniformArray(L, 0.2, 1.1), b: rng.uniformArray(L, -1, 1) };
}

function sequential(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const h = new Float64Array(a.length);
  let x = 0;
  for (let t = 0; t < a.length; t++) h[t] = x = a[t] * x + b[t];
  return h;
}

describe('the parallel scan schedule (levels) replays to the sequential recurrence', () => {
  for (const L of [1, 2, 5, 33, 100, 1000, 5000]) {
    it(`L=${L}, the kernels' default chunking`, () => {
      const s = scanLevels(L);
      const plan = planScan({ batch: 1, dInner: 1, dState: 1, seqLen: L, deltaSoftplus: true });
      expect([s.threads, s.items, s.chunkLen, s.numChunks]).toEqual([plan.threads, plan.items, plan.chunkLen, plan.numChunks]);
      const { a, b } = steps(L, L);
      expect(relErr(replayScanLevels(s, a, b), sequential(a, b))).toBeLessThanOrEqual(1e-12);
    });
  }

  for (const [L, threads, items] of [
    [31, 8, 4],
    [32, 8, 4],
    [33, 8, 4],
    [97, 8, 4],
    [50, 6, 3],
    [7, 1, 2],
  ]) {
    it(`L=${L} in chunks of ${threads} threads × ${items} steps`, () => {
      const s = scanLevels(L, threads, items);
      expect(s.numChunks).toBe(Math.ceil(L / (threads * items)));
      const { a, b } = steps(L, 3 * L + threads);
      expect(relErr(replayScanLevels(s, a, b), sequential(a, b))).toBeLessThanOrEqual(1e-12);
    });
  }

  it('levels reach back 1, 2, 4, ...: thread i combines thread i - offset, log2(threads) levels', () => {
    const s = scanLevels(64, 16, 4);
    expect(s.levels.map((l) => l.offset)).toEqual([1, 2, 4, 8]);
    for (const l of s.levels) expect(l.pairs).toEqual(Array.from({ length: 16 - l.offset }, (_, k) => [k, k + l.offset]));
    expect(s.runs[3]).toEqual([12, 16]);
    expect(scanLevels(50, 6, 3).levels.map((l) => l.offset)).toEqual([1, 2, 4]);
  });

  it('every level matters: without the last one the states come out wrong', () => {
    const s = scanLevels(64, 16, 4);
    const { b } = steps(64, 9);
    const a = new Float64Array(64).fill(1); // prefix sums: nothing decays, every term counts
    const broken = { ...s, levels: s.levels.slice(0, -1) };
    expect(relErr(replayScanLevels(broken, a, b), sequential(a, b))).toBeGreaterThan(1e-3);
  });

  it("a thread's result depends on the runs of threads 0..i exactly (the UI's highlight)", () => {
    const s = scanLevels(64, 16, 4);
    for (const i of [0, 1, 5, 15]) {
      const cone = dependencyCone(s, i);
      expect(cone).toHaveLength(s.levels.length + 1);
      expect([...cone[0]].sort((p, q) => p - q)).toEqual(Array.from({ length: i + 1 }, (_, k) => k));
      expect([...cone[s.levels.length]]).toEqual([i]);
    }
  });

  it('says what is wrong with a bad request', () => {
    expect(() => scanLevels(0)).toThrow('the sequence length must be a positive integer, got 0');
    expect(() => scanLevels(8, 0)).toThrow('threads must be a positive integer, got 0');
    expect(() => replayScanLevels(scanLevels(8), [1], [1])).toThrow('8 steps need 8 values of a and b');
  });
});
