// The class-prediction view scores only the steps the loss counts, and always shows them.

import { describe, expect, it } from 'vitest';
import { scoredAccuracy, tokenItems, type TokenRow } from './tokenRows';

/** A copy-task window: `wait` ignored steps, then the replay's targets; model a guesses `guesses`. */
function window(wait: number, targets: number[], guesses: number[]): TokenRow[] {
  const rows: TokenRow[] = [];
  for (let t = 0; t < wait; t++) rows.push({ t, a: 0 });
  targets.forEach((target, k) => rows.push({ t: wait + k, target, a: guesses[k] }));
  return rows;
}

describe('scoredAccuracy', () => {
  it('counts the scored steps only: the waiting steps, right or wrong, do not count', () => {
    const rows = window(20, [1, 2, 3, 4], [1, 2, 0, 0]);
    expect(scoredAccuracy(rows, 'a')).toEqual({ right: 2, scored: 4 });
    // A model that guesses blank everywhere is right on none of the scored steps.
    expect(scoredAccuracy(window(20, [1, 2, 3, 4], [0, 0, 0, 0]), 'a')).toEqual({ right: 0, scored: 4 });
    expect(scoredAccuracy([], 'a')).toEqual({ right: 0, scored: 0 });
  });
});

describe('tokenItems', () => {
  it('folds long runs of ignored steps into one gap and keeps every scored step', () => {
    const items = tokenItems(window(100, [1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 1, 1, 1, 1, 1, 1]), 96);
    expect(items[0]).toEqual({ gap: 100, from: 0 });
    expect(items.slice(1).map((it) => ('row' in it ? it.row.target : null))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps short runs as they are', () => {
    const rows = window(3, [1, 2], [1, 2]);
    expect(tokenItems(rows, 96)).toEqual(rows.map((row) => ({ row })));
  });

  it('starts just before the first scored step when even the folded window is too long', () => {
    const rows: TokenRow[] = [];
    for (let t = 0; t < 200; t++) rows.push(t % 2 === 0 ? { t, a: 0 } : { t, target: 1, a: 1 });
    rows.unshift(...Array.from({ length: 10 }, (_, t) => ({ t: t - 10, a: 0 })));
    const items = tokenItems(rows, 50);
    expect(items.length).toBe(50);
    // The ten waiting steps and step 0 (ignored too) fold into the gap just before the first scored step.
    expect(items[0]).toEqual({ gap: 11, from: -10 });
    expect(items[1]).toEqual({ row: rows[11] });
  });
});
