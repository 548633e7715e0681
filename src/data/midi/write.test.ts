import { Midi } from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { parseMidiFile } from './parse';
import { meta, noteEvents, smf, trackChunk } from './smfTesting';
import { melodyToMidi, timedNotes } from './write';

describe('melodies out', () => {
  it('MIDI → tokens → MIDI → tokens: the same notes, rests and lengths come back', () => {
    // A tune with a rest: C4 (1), D4 (0.5), a silence of 0.5, E4 (1.5), G4 (0.25), C5 (2).
    const events = [
      ...noteEvents(0, [[60, 96], [62, 48]]),
      ...[...[48, 0x90, 64, 80], ...[...[0x81, 0x10], 0x90, 64, 0]], // rest of 48 ticks, then E4 for 144 ticks
      ...noteEvents(0, [[67, 24], [72, 192]]),
    ];
    const first = parseMidiFile('in.mid', smf(1, 96, [trackChunk(meta.tempo(0, 96)), trackChunk(events)]));
    const keys = (r: ReturnType<typeof parseMidiFile>) => Array.from(r.dataset.ids, (i) => r.dataset.vocab[i]);
    expect(keys(first)).toEqual(['C4:1', 'D4:0.5', 'R:0.5', 'E4:1.5', 'G4:0.25', 'C5:2', '|']);
    const { notes, end } = timedNotes(first.dataset.ids, first.dataset.notes!);
    expect(notes.map((n) => [n.pitch, n.start, n.beats])).toEqual([
      [60, 0, 1],
      [62, 1, 0.5],
      [64, 2, 1.5],
      [67, 3.5, 0.25],
      [72, 3.75, 2],
    ]);
    expect(end).toBe(6.75); // the end-of-tune mark adds a beat's gap
    const bytes = melodyToMidi(notes, 96, 'continuation');
    // Another reader (the library itself, as other software would) sees the notes in seconds at the tempo.
    const back = new Midi(bytes);
    expect(back.header.tempos[0].bpm).toBeCloseTo(96, 3);
    expect(back.tracks[0].notes.map((n) => [n.midi, Number(n.time.toFixed(4)), Number(n.duration.toFixed(4))])).toEqual(
      notes.map((n) => [n.pitch, Number(((n.start * 60) / 96).toFixed(4)), Number(((n.beats * 60) / 96).toFixed(4))]),
    );
    const again = parseMidiFile('out.mid', bytes);
    expect(keys(again)).toEqual(keys(first));
    expect(again.music.bpm).toBeCloseTo(96, 2);
  });

  it('timedNotes skips ids without a note and starts at the offset', () => {
    const notes = [{ pitch: -1, beats: 0 }, { pitch: 60, beats: 1 }, { pitch: -1, beats: 2 }];
    expect(timedNotes([1, 2, 1, 9], notes, 4)).toEqual({ notes: [{ pitch: 60, start: 4, beats: 1 }, { pitch: 60, start: 7, beats: 1 }], end: 8 });
  });
});
