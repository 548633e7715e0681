import { Midi } from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { eventsToNotes, extractEvents } from './events';
import { parseMidiFile } from './parse';
import { melodyToMidi } from './write';

const PPQ = 96;
const G = PPQ / 4;
const note = (midi: number, beat: number, beats: number) => ({ midi, ticks: beat * PPQ, durationTicks: beats * PPQ });

describe('note-on/off events (the polyphonic encoding)', () => {
  it('a chord, then a note: ends before starts at one moment, lowest pitch first, waits in grid steps', () => {
    expect(extractEvents([note(67, 0, 1), note(60, 0, 1), note(64, 0, 1), note(62, 1, 0.5)], G)).toEqual(
      ['on:C4', 'on:E4', 'on:G4', 'wait:4', 'off:C4', 'off:E4', 'off:G4', 'on:D4', 'wait:2', 'off:D4'],
    );
  });

  it('a long silence is several waits of at most 16 steps; a held bass under a moving line', () => {
    expect(extractEvents([note(60, 0, 0.25), note(62, 5.25, 0.25)], G)).toEqual(['on:C4', 'wait:1', 'off:C4', 'wait:16', 'wait:4', 'on:D4', 'wait:1', 'off:D4']);
    expect(extractEvents([note(48, 0, 2), note(64, 0, 1), note(65, 1, 1)], G)).toEqual(['on:C3', 'on:E4', 'wait:4', 'off:E4', 'on:F4', 'wait:4', 'off:C3', 'off:F4']);
  });

  it('the same pitch struck while it sounds restarts it; it ends with the last of them', () => {
    expect(extractEvents([note(60, 0, 2), note(60, 1, 2)], G)).toEqual(['on:C4', 'wait:4', 'off:C4', 'on:C4', 'wait:4', 'wait:4', 'off:C4']);
  });

  it('events back to notes; an unclosed note lasts to the end; other tokens are skipped', () => {
    expect(eventsToNotes(['on:C4', 'on:E4', 'wait:4', 'off:E4', 'bogus', 'on:X9', 'wait:2', 'off:C4', 'on:G4', 'wait:2'], 4, 10)).toEqual({
      notes: [
        { pitch: 60, start: 10, beats: 1.5 },
        { pitch: 64, start: 10, beats: 1 },
        { pitch: 67, start: 11.5, beats: 0.5 },
      ],
      end: 12,
    });
  });

  it('MIDI with chords → events → notes → MIDI → the same events', () => {
    const written = new Midi();
    const track = written.addTrack();
    const ppq = written.header.ppq;
    const chords = [[60, 64, 67], [62, 65, 69], [59, 62, 67], [60, 64, 67, 72]];
    chords.forEach((chord, i) => chord.forEach((midi) => track.addNote({ midi, ticks: i * 2 * ppq, durationTicks: (i === 3 ? 4 : 1.5) * ppq })));
    track.addNote({ midi: 76, ticks: 0.5 * ppq, durationTicks: 0.25 * ppq }); // a grace note over the first chord
    const first = parseMidiFile('chords.mid', written.toArray(), { encoding: 'events' });
    expect(first.music.encoding).toBe('events');
    const tokens = Array.from(first.dataset.ids, (i) => first.dataset.vocab[i]);
    expect(tokens.filter((t) => t.startsWith('on:')).length).toBe(14);
    expect(first.dataset.notes).toBeUndefined();
    const { notes } = eventsToNotes(tokens, 4);
    expect(notes.length).toBe(14);
    const again = parseMidiFile('again.mid', melodyToMidi(notes, 120, 'again'), { encoding: 'events' });
    expect(Array.from(again.dataset.ids, (i) => again.dataset.vocab[i])).toEqual(tokens);
    // The melody encoding of the same file keeps only the top line.
    const melody = parseMidiFile('chords.mid', written.toArray());
    expect(Array.from(melody.dataset.ids, (i) => melody.dataset.vocab[i])).toEqual(['G4:0.5', 'E5:0.25', 'R:1.25', 'A4:1.5', 'R:0.5', 'G4:1.5', 'R:0.5', 'C5:4', '|']);
  });
});
