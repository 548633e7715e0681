// Short series: a sequence length and a validation share that fit a table of a given number of rows,
// changed as little as possible from what was asked, each change with a note saying why.
//
// The rules are prep.ts's: the first round(rows × (1 − validationFraction)) rows train (splitIndex),
// the rest validate, and a window spans seqLen + horizon rows (the targets lie `horizon` steps
// ahead). Here each part must hold a whole window on its own, which prepareTable then always accepts.

import { splitIndex } from './prep';

export interface FitNote {
  field: 'seqLen' | 'validationFraction';
  asked: number;
  used: number;
  why: string;
}

export interface WindowFit {
  seqLen: number;
  validationFraction: number;
  notes: FitNote[];
  /** null when validation is on; else why there is none (for the loss legend). */
  noValidation: string | null;
}

/** Largest validation share fitWindow raises to, for files of at least RAISE_MIN_ROWS rows. */
const MAX_RAISED_FRACTION = 0.5;
const RAISE_MIN_ROWS = 12;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * A sequence length and validation share that fit a table of `rows` rows (targets `horizon` steps
 * ahead). The asked values stay when both parts hold a window. Else the sequence length shrinks to
 * fit the smaller part, down to 2; a file of 12 rows or more then raises the validation share (up
 * to 0.5, by hundredths) before going below 2; then 1; and when validation still cannot hold a
 * window, validation is off and every row trains. Throws when the file cannot hold one window.
 */
export function fitWindow(
  rows: number,
  asked: { seqLen: number; validationFraction: number; horizon: number },
): WindowFit {
  const { seqLen, validationFraction: fraction, horizon } = asked;
  if (!Number.isInteger(seqLen) || seqLen < 1) {
    throw new Error(`The sequence length must be a whole number of at least 1 (got ${seqLen}).`);
  }
  if (!Number.isInteger(horizon) || horizon < 0) {
    throw new Error(`The horizon must be a whole number of at least 0 (got ${horizon}).`);
  }
  if (!(fraction >= 0 && fraction < 1)) {
    throw new Error(`The validation share must be at least 0 and below 1 (got ${fraction}).`);
  }
  const ahead = horizon === 0 ? '' : ` plus ${plural(horizon, 'step')} ahead`;
  const least = Math.max(2, 1 + horizon);
  if (!Number.isInteger(rows) || rows < least) {
    const why = least > 2 ? ` (a window of 1 step${ahead})` : '';
    throw new Error(`${plural(rows, 'row')}: too few to train on; at least ${least} rows are needed${why}.`);
  }

  const parts = (f: number) => {
    const train = splitIndex(rows, 1 - f);
    return { train, val: rows - train };
  };
  /** The longest sequence both parts hold at share f. */
  const longest = (f: number) => {
    const { train, val } = parts(f);
    return Math.min(train, val) - horizon;
  };
  const windowWords = `a window needs the sequence length${ahead}`;
  const seqNote = (used: number, f: number): FitNote => {
    const { train, val } = parts(f);
    const part = val <= train ? `the validation part has ${val}` : `the training part has ${train}`;
    return { field: 'seqLen', asked: seqLen, used, why: `${part} of the ${rows} rows; ${windowWords}` };
  };
  const allTrain = (noValidation: string, notes: FitNote[]): WindowFit => {
    const used = Math.min(seqLen, rows - horizon);
    const why = `the file has ${rows} rows; ${windowWords}`;
    if (used < seqLen) notes.push({ field: 'seqLen', asked: seqLen, used, why });
    return { seqLen: used, validationFraction: 0, notes, noValidation };
  };

  if (fraction === 0) return allTrain('validation share 0', []);
  const max = longest(fraction);
  if (max >= seqLen) return { seqLen, validationFraction: fraction, notes: [], noValidation: null };
  const shrunk = (used: number): WindowFit => ({
    seqLen: used,
    validationFraction: fraction,
    notes: [seqNote(used, fraction)],
    noValidation: null,
  });
  if (max >= 2) return shrunk(max);

  // Too short for a sequence of 2: a larger validation share first (when the file is long enough), then 1.
  for (const need of seqLen >= 2 ? [2, 1] : [1]) {
    if (need === 1 && max >= 1) return shrunk(1);
    if (rows < RAISE_MIN_ROWS) continue;
    for (let k = Math.floor(fraction * 100 + 1e-9) + 1; k <= MAX_RAISED_FRACTION * 100; k++) {
      const f = k / 100;
      const len = longest(f);
      if (len < need) continue;
      const used = Math.min(seqLen, len);
      const had = plural(parts(fraction).val, 'row');
      const why = `at ${fraction} the validation part had ${had}, too few for a sequence of ${need}${ahead}`;
      const notes: FitNote[] = [{ field: 'validationFraction', asked: fraction, used: f, why }];
      if (used < seqLen) notes.push(seqNote(used, f));
      return { seqLen: used, validationFraction: f, notes, noValidation: null };
    }
  }
  const why = `${rows} rows: too few for a validation window; all rows train`;
  return allTrain(why, [{ field: 'validationFraction', asked: fraction, used: 0, why }]);
}
