import { Midi } from '@tonejs/midi';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../parse';
import { DataError } from '../errors';
import { parseNoteKey } from '../noteTokens';
import { extractMelody } from './melody';
import { parseMidiFile } from './parse';
import { meta, noteEvents, smf, trackChunk, vlq } from './smfTesting';

const PPQ = 96;
const C4 = 60;
const tokens = (r: ReturnType<typeof parseMidiFile>) => Array.from(r.dataset.ids, (i) => r.dataset.vocab[i]);

function refused(run: () => unknown, pattern: RegExp): DataError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(pattern);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

describe('MIDI files', () => {
  it('type 0: one track of quarter and eighth notes becomes pitch:length tokens', () => {
    const bytes = smf(0, PPQ, [trackChunk([...meta.name('tune'), ...noteEvents(0, [[C4, 96], [62, 48], [64, 48], [65, 192]])])]);
    const r = parseMidiFile('tune.mid', bytes);
    expect(tokens(r)).toEqual(['C4:1', 'D4:0.5', 'E4:0.5', 'F4:2', '|']);
    expect(r.music.format).toBe(0);
    expect(r.music.tracks).toEqual([expect.objectContaining({ name: 'tune', channel: 1, notes: 4, drum: false })]);
  });

  it('running status (status bytes left out) reads the same notes as full status', () => {
    const notes: Array<[number, number]> = [[C4, 24], [67, 24], [72, 48], [71, 96]];
    const full = parseMidiFile('a.mid', smf(0, PPQ, [trackChunk(noteEvents(0, notes))]));
    const running = parseMidiFile('b.mid', smf(0, PPQ, [trackChunk(noteEvents(0, notes, true))]));
    expect(noteEvents(0, notes, true).length).toBeLessThan(noteEvents(0, notes).length);
    expect(tokens(running)).toEqual(tokens(full));
    expect(tokens(running)).toEqual(['C4:0.25', 'G4:0.25', 'C5:0.5', 'B4:1', '|']);
  });

  it('type 1: a conductor track with tempo and metre changes, a melody and a drum track; drums left out', () => {
    const conductor = trackChunk([...meta.tempo(0, 100), ...meta.timeSignature(0, 3, 4), ...meta.tempo(384, 140), ...meta.timeSignature(0, 4, 4)]);
    const melody = trackChunk([...meta.name('Flute'), ...noteEvents(0, [[C4, 96], [64, 96], [67, 96], [72, 288]])]);
    // The drum track has more notes: still not chosen by default.
    const drums = trackChunk([...meta.name('Kit'), ...noteEvents(9, Array.from({ length: 12 }, () => [36, 48] as [number, number]))]);
    const r = parseMidiFile('song.mid', smf(1, PPQ, [conductor, melody, drums]));
    expect(r.music.format).toBe(1);
    expect(r.music.bpm).toBeCloseTo(100, 1);
    expect(r.music.tempoChanges).toBe(1);
    expect(r.music.timeSignature).toEqual([3, 4]);
    expect(r.music.timeSignatureChanges).toBe(1);
    expect(r.music.tracks.map((t) => [t.name, t.channel, t.notes, t.drum])).toEqual([
      ['Flute', 1, 4, false],
      ['Kit', 10, 12, true],
    ]);
    expect(r.music.track).toBe(0);
    // Tempo changes do not change lengths in beats.
    expect(tokens(r)).toEqual(['C4:1', 'E4:1', 'G4:1', 'C5:3', '|']);
    // The drum track when asked for.
    expect(tokens(parseMidiFile('song.mid', smf(1, PPQ, [conductor, melody, drums]), { track: 1 })).slice(0, 2)).toEqual(['C2:0.5', 'C2:0.5']);
  });

  it('type 0 with two channels is split into a track per channel', () => {
    const events = [0, 0x90, 60, 80, 0, 0x91, 48, 80, 96, 0x80, 60, 0, 0, 0x81, 48, 0];
    const r = parseMidiFile('two.mid', smf(0, PPQ, [trackChunk(events)]));
    expect(r.music.tracks.map((t) => t.channel).sort()).toEqual([1, 2]);
  });

  it('chords keep their highest note; silences become rests; off-grid timing snaps to sixteenths', () => {
    const melody = extractMelody(
      [
        { midi: 60, ticks: 0, durationTicks: 96 },
        { midi: 67, ticks: 2, durationTicks: 94 }, // 2 ticks late: same sixteenth
        { midi: 64, ticks: 0, durationTicks: 96 },
        { midi: 62, ticks: 192, durationTicks: 25 }, // after a beat of silence; 25 ticks ≈ one sixteenth
        { midi: 70, ticks: 216, durationTicks: 9999 }, // very long: cut to 4 beats
      ],
      PPQ,
      PPQ / 4,
    );
    expect(melody).toEqual([
      { pitch: 67, beats: 1 },
      { pitch: -1, beats: 1 },
      { pitch: 62, beats: 0.25 },
      { pitch: 70, beats: 4 },
    ]);
  });

  it('a note held past the next onset is cut there (monophonic)', () => {
    expect(extractMelody([{ midi: 60, ticks: 0, durationTicks: 192 }, { midi: 55, ticks: 96, durationTicks: 96 }], PPQ, PPQ / 4)).toEqual([
      { pitch: 60, beats: 1 },
      { pitch: 55, beats: 1 },
    ]);
  });

  it('refuses empty, truncated, corrupt, note-less and drum-only files, naming the file', () => {
    refused(() => parseMidiFile('empty.mid', new Uint8Array(0)), /^empty\.mid: the file is empty/);
    const good = smf(0, PPQ, [trackChunk(noteEvents(0, [[C4, 96], [62, 96]]))]);
    refused(() => parseMidiFile('cut.mid', good.subarray(0, good.length - 5)), /^cut\.mid: the file is truncated: track 1 says it holds \d+ bytes, but only \d+ remain/);
    refused(() => parseMidiFile('cut.mid', good.subarray(0, 16)), /truncated/);
    refused(() => parseMidiFile('hdr.mid', good.subarray(0, 10)), /not a Standard MIDI File.*only 10 bytes/);
    refused(() => parseMidiFile('song.mid', new TextEncoder().encode('hello, this is text not midi')), /^song\.mid: not a Standard MIDI File/);
    const bad = good.slice();
    bad[14] = 0x58; // "MTrk" → "XTrk"
    refused(() => parseMidiFile('bad.mid', bad), /track 1 at byte 14 starts with "XTrk"/);
    refused(() => parseMidiFile('noend.mid', smf(0, PPQ, [trackChunk(noteEvents(0, [[C4, 96]]), true)])), /does not end with an End of Track/);
    refused(() => parseMidiFile('quiet.mid', smf(1, PPQ, [trackChunk(meta.tempo(0, 120)), trackChunk(meta.name('x'))])), /^quiet\.mid: the file holds no notes/);
    refused(() => parseMidiFile('drums.mid', smf(0, PPQ, [trackChunk(noteEvents(9, [[36, 48], [38, 48]]))])), /^drums\.mid: every note is on the drum channel \(10\)/);
    refused(() => parseMidiFile('tune.mid', good, { track: 4 }), /there is no track 5/);
    // A garbage event inside an intact chunk.
    const garbage = smf(0, PPQ, [trackChunk([0, 0x90, 60, 80, ...vlq(96), 0xf4, 1, 2])]);
    expect(() => parseMidiFile('garbage.mid', garbage)).toThrow(DataError);
  });

  it('parseFile reads a .mid upload (and MThd bytes under any name) instead of refusing it as binary', async () => {
    const bytes = smf(0, PPQ, [trackChunk(noteEvents(0, [[C4, 96], [62, 96], [64, 96]]))]);
    const r = await parseFile('my tune.mid', bytes);
    expect(r.detected.format).toBe('midi');
    expect(r.dataset.kind).toBe('tokens');
    expect((await parseFile('upload.bin', bytes)).detected.format).toBe('midi');
    await expect(parseFile('x.midi', new Uint8Array([1, 2, 3]))).rejects.toThrow(/^x\.midi: not a Standard MIDI File/);
  });

  it("a file from the library's writer round-trips: tokens → MIDI → tokens", () => {
    const written = new Midi();
    written.header.setTempo(90);
    const track = written.addTrack();
    track.name = 'Lead';
    const ppq = written.header.ppq;
    const seq: Array<[number, number]> = [[60, 1], [62, 0.5], [64, 0.5], [65, 1.5], [67, 0.25], [69, 0.25]];
    let at = 0;
    for (const [midi, beats] of seq) {
      track.addNote({ midi, ticks: at * ppq, durationTicks: beats * ppq, velocity: 0.8 });
      at += beats;
    }
    const r = parseMidiFile('lib.mid', written.toArray());
    expect(r.music.bpm).toBeCloseTo(90, 1);
    expect(tokens(r).slice(0, -1).map((k) => parseNoteKey(k))).toEqual(seq.map(([pitch, beats]) => ({ pitch, beats })));
  });
});
