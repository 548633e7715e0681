// A melody from notes in ticks, on a grid: the highest note of each onset (the "skyline", as
// Magenta's MelodyRNN extracts a monophonic line), each held until its end or the next onset,
// silences in between as rests. Lengths are whole grid steps, in beats (quarter notes).

import type { NoteToken } from '../types';

export interface TickNote {
  midi: number;
  ticks: number;
  durationTicks: number;
}

/** The longest note or rest kept, in grid steps: longer ones are cut to it (a held whole note stays one token). */
export const MAX_STEPS = 16;

/**
 * `gridTicks`: ticks per grid step (ppq / 4 for sixteenths); `ppq`: ticks per beat. Notes that
 * start on the same step keep the highest; a note that would last 0 steps lasts 1. Silence
 * before the first note is dropped.
 */
export function extractMelody(notes: readonly TickNote[], ppq: number, gridTicks: number): NoteToken[] {
  const top = new Map<number, { pitch: number; end: number }>();
  for (const n of notes) {
    const start = Math.round(n.ticks / gridTicks);
    const end = Math.max(start + 1, Math.round((n.ticks + n.durationTicks) / gridTicks));
    const held = top.get(start);
    if (!held || n.midi > held.pitch) top.set(start, { pitch: n.midi, end });
  }
  const onsets = [...top.keys()].sort((a, b) => a - b);
  const beatsPerStep = gridTicks / ppq;
  const beats = (steps: number) => Math.round(Math.min(steps, MAX_STEPS) * beatsPerStep * 1000) / 1000;
  const out: NoteToken[] = [];
  let cursor = onsets.length ? onsets[0] : 0;
  for (let i = 0; i < onsets.length; i++) {
    const start = onsets[i];
    const { pitch, end } = top.get(start)!;
    if (start > cursor) out.push({ pitch: -1, beats: beats(start - cursor) });
    const stop = i + 1 < onsets.length ? Math.min(end, onsets[i + 1]) : end;
    out.push({ pitch, beats: beats(stop - start) });
    cursor = stop;
  }
  return out;
}
