// Melodies out: timed notes from token ids, and a Standard MIDI File of them written with
// @tonejs/midi (type 1: a tempo track and one note track), so other software opens it.

import { Midi } from '@tonejs/midi';
import type { NoteToken } from '../types';

/** A note placed in time: start and length in beats (quarter notes). Rests are gaps. */
export interface TimedNote {
  pitch: number;
  start: number;
  beats: number;
}

/**
 * Token ids as notes one after another from `offset` beats: a rest moves time on, the end-of-tune
 * mark ("|", 0 beats) leaves a one-beat gap so tunes do not run together.
 */
export function timedNotes(ids: ArrayLike<number>, notes: readonly NoteToken[], offset = 0): { notes: TimedNote[]; end: number } {
  const out: TimedNote[] = [];
  let t = offset;
  for (let i = 0; i < ids.length; i++) {
    const n = notes[ids[i]];
    if (!n) continue;
    if (n.pitch < 0) {
      t += n.beats > 0 ? n.beats : 1;
      continue;
    }
    out.push({ pitch: n.pitch, start: t, beats: n.beats });
    t += n.beats;
  }
  return { notes: out, end: t };
}

/** A MIDI file of the notes at `bpm`, on channel 1 as an acoustic grand piano. */
export function melodyToMidi(notes: readonly TimedNote[], bpm: number, name: string): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(bpm);
  midi.header.name = name;
  const ppq = midi.header.ppq;
  const track = midi.addTrack();
  track.name = name;
  track.channel = 0;
  for (const n of notes) track.addNote({ midi: n.pitch, ticks: Math.round(n.start * ppq), durationTicks: Math.max(1, Math.round(n.beats * ppq)), velocity: 0.8 });
  return midi.toArray();
}
