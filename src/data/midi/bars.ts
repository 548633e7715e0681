// The tokens of chosen bars of a melody stream: what a person picks as a primer ("bars 9 to 12").
// Bars count from 1 at the stream's start; a token belongs to the bar it starts in. An end-of-
// tune mark takes a beat, as the piano roll draws it (./write.ts).

import type { NoteToken } from '../types';

export function tokensInBars(ids: ArrayLike<number>, notes: readonly NoteToken[], beatsPerBar: number, fromBar: number, toBar: number): number[] {
  const out: number[] = [];
  const start = (fromBar - 1) * beatsPerBar;
  const end = toBar * beatsPerBar;
  let t = 0;
  for (let i = 0; i < ids.length && t < end; i++) {
    const n = notes[ids[i]];
    if (!n) continue;
    // A tiny tolerance: lengths such as 1/3 do not add up exactly.
    if (t >= start - 1e-9) out.push(ids[i]);
    t += n.pitch < 0 && n.beats === 0 ? 1 : n.beats;
  }
  return out;
}
