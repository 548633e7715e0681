// Melodies as one token stream: each token is a (pitch, length in beats) pair such as "E4:0.5"
// ("R:1" a rest) and "|" ends a tune. Shared by the built-in songbooks and MIDI uploads, so a
// model trained on one reads the other's tokens the same way.

import { nameOf } from './melodies';
import type { NoteToken, TokenDataset } from './types';

export interface Piece {
  title: string;
  notes: NoteToken[];
}

/** The token string of a note; "|" for the end-of-tune mark (pitch -1, 0 beats). */
export function noteKey(n: NoteToken): string {
  return n.pitch === -1 && n.beats === 0 ? '|' : `${nameOf(n.pitch)}:${n.beats}`;
}

/** The pieces in order as one stream, each followed by "|"; the vocabulary sorted by pitch, then length. */
export function noteDataset(name: string, pieces: Piece[]): TokenDataset {
  const END: NoteToken = { pitch: -1, beats: 0 };
  const distinct = new Map<string, NoteToken>([['|', END]]);
  for (const p of pieces) for (const n of p.notes) distinct.set(noteKey(n), n);
  const sorted = [...distinct.values()].sort((a, b) => a.pitch - b.pitch || a.beats - b.beats);
  const vocab = sorted.map(noteKey);
  const idOf = new Map(vocab.map((v, i) => [v, i]));
  const stream: number[] = [];
  const segments: { title: string; start: number; length: number }[] = [];
  for (const p of pieces) {
    segments.push({ title: p.title, start: stream.length, length: p.notes.length + 1 });
    for (const n of p.notes) stream.push(idOf.get(noteKey(n))!);
    stream.push(idOf.get('|')!);
  }
  const ids = Uint16Array.from(stream);
  const counts = new Int32Array(vocab.length);
  for (const id of ids) counts[id]++;
  return {
    kind: 'tokens',
    name,
    unit: 'note',
    vocab,
    ids,
    counts,
    notes: sorted,
    segments,
    preview: vocab.length ? Array.from(ids.subarray(0, 200), (i) => vocab[i]).join(' ') : '',
  };
}

/** The note a token string plays ("E4:0.5", "R:2", "|"), or null for a token that is not a note. */
export function parseNoteKey(key: string): NoteToken | null {
  if (key === '|') return { pitch: -1, beats: 0 };
  const m = /^(R|[A-G]#?-?\d+):(\d+(?:\.\d+)?)$/.exec(key);
  if (!m) return null;
  const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
  if (m[1] === 'R') return { pitch: -1, beats: Number(m[2]) };
  const pc = NAMES.indexOf(m[1].replace(/-?\d+$/, ''));
  const octave = Number(m[1].slice(m[1].search(/-?\d/)));
  return { pitch: 12 * (octave + 1) + pc, beats: Number(m[2]) };
}
