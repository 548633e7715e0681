// How well a sequence-to-sequence model decodes: token and whole-sequence accuracy with teacher
// forcing and on its own outputs (the gap between the two is exposure bias, measured).

import type { Decoded } from './sampling';

export interface DecodeScores {
  forcedTokens: number;
  freeTokens: number;
  forcedSequences: number;
  freeSequences: number;
}

/** Token and whole-sequence accuracy over the targets that count (a target below 0 is ignored). */
export function decodeScores(target: Int32Array, d: Decoded, U: number): DecodeScores {
  let tokens = 0;
  let forcedTokens = 0;
  let freeTokens = 0;
  let sequences = 0;
  let forcedSequences = 0;
  let freeSequences = 0;
  for (let b = 0; b < target.length / U; b++) {
    let counted = 0;
    let forcedRight = 0;
    let freeRight = 0;
    for (let k = b * U; k < (b + 1) * U; k++) {
      if (target[k] < 0) continue;
      counted++;
      if (d.forced[k] === target[k]) forcedRight++;
      if (d.free[k] === target[k]) freeRight++;
    }
    if (counted === 0) continue;
    tokens += counted;
    forcedTokens += forcedRight;
    freeTokens += freeRight;
    sequences++;
    if (forcedRight === counted) forcedSequences++;
    if (freeRight === counted) freeSequences++;
  }
  const frac = (n: number, of: number) => (of > 0 ? n / of : 0);
  return {
    forcedTokens: frac(forcedTokens, tokens),
    freeTokens: frac(freeTokens, tokens),
    forcedSequences: frac(forcedSequences, sequences),
    freeSequences: frac(freeSequences, sequences),
  };
}
