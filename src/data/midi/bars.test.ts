import { describe, expect, it } from 'vitest';
import { tokensInBars } from './bars';

describe('tokensInBars', () => {
  // id 0: end mark, 1: C4 quarter, 2: D4 half, 3: rest of a whole bar, 4: E4 dotted half
  const notes = [{ pitch: -1, beats: 0 }, { pitch: 60, beats: 1 }, { pitch: 62, beats: 2 }, { pitch: -1, beats: 4 }, { pitch: 64, beats: 3 }];
  const ids = [1, 1, 2, 3, 2, 2, 0, 4, 1, 1];
  // Bars of 4 beats: |1 1 2|3|2 2|0 4 | 1 1 ...  (the end mark takes a beat)
  it('takes the tokens that start in the chosen bars', () => {
    expect(tokensInBars(ids, notes, 4, 1, 1)).toEqual([1, 1, 2]);
    expect(tokensInBars(ids, notes, 4, 2, 3)).toEqual([3, 2, 2]);
    expect(tokensInBars(ids, notes, 4, 4, 4)).toEqual([0, 4]);
    expect(tokensInBars(ids, notes, 4, 5, 9)).toEqual([1, 1]);
    expect(tokensInBars(ids, notes, 4, 20, 21)).toEqual([]);
  });
  it('reads other metres (3/4)', () => {
    expect(tokensInBars(ids, notes, 3, 1, 1)).toEqual([1, 1, 2]); // the half note starts on beat 3
    expect(tokensInBars(ids, notes, 3, 2, 2)).toEqual([3]); // the rest starts on beat 5
  });
});
