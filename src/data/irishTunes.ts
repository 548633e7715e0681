// The larger melody built-in: about 300 traditional Irish dance tunes (reels, jigs, polkas,
// hornpipes, slides) from the Ceol Rince na hÉireann MIDI corpus, read into note tokens by
// scripts/make-irish-tunes.ts (public/data/README.md: source and licence). One tune per line,
// "title<TAB>tokens". The seed shuffles the tunes; validation is the end of the stream, so apart
// from the one tune the split may cut, the model is validated on tunes it never trained on.

import { DataError } from './errors';
import { noteDataset, parseNoteKey, type Piece } from './noteTokens';
import { Random } from './random';
import type { TokenDataset } from './types';

export function irishTunes(file: string, text: string, seed: number): TokenDataset {
  const pieces: Piece[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const [title, tokens] = line.split('\t');
    if (tokens === undefined) throw new DataError('bad-option', file, `${file}: line ${i + 1} has no tab between the title and the notes.`, { line: i + 1 });
    const notes = tokens.trim().split(/\s+/).map((key) => {
      const n = parseNoteKey(key);
      if (!n || n.beats <= 0) throw new DataError('bad-option', file, `${file}: line ${i + 1}: "${key}" is not a note such as "E4:0.5".`, { line: i + 1, value: key });
      return n;
    });
    pieces.push({ title, notes });
  });
  if (pieces.length === 0) throw new DataError('empty', file, `${file}: no tunes in the file.`);
  const rng = new Random(seed);
  for (let i = pieces.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pieces[i], pieces[j]] = [pieces[j], pieces[i]];
  }
  return { ...noteDataset('Irish dance tunes', pieces), name: 'Irish dance tunes' };
}
