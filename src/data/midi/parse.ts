// A MIDI upload (.mid, .midi) read into a melody dataset: the file's chunks checked (./chunks.ts),
// parsed with @tonejs/midi (Standard MIDI File types 0 and 1, running status, tempo and time
// signature maps; a type 0 track is split by channel), its tracks listed, one track's melody
// taken and quantised (./melody.ts), and its notes turned into tokens ("E4:0.5") shared with the
// built-in songbooks. Runs in the worker: no DOM.

import { Midi } from '@tonejs/midi';
import { DataError } from '../errors';
import { noteDataset } from '../noteTokens';
import type { TokenDataset } from '../types';
import { checkChunks } from './chunks';
import { extractEvents } from './events';
import { extractMelody } from './melody';

export interface MidiTrackInfo {
  /** Index among the parsed tracks (type 0 files: one per channel). */
  index: number;
  name: string;
  /** 1-based, as musicians count (10 is drums). */
  channel: number;
  instrument: string;
  notes: number;
  drum: boolean;
}

/** What the page is told about a MIDI file: its tracks, the one taken, its tempo and metre. */
export interface MusicInfo {
  format: number;
  ppq: number;
  tracks: MidiTrackInfo[];
  /** The track the melody was taken from. */
  track: number;
  /** Beats per minute at the start, and how many tempo changes follow. */
  bpm: number;
  tempoChanges: number;
  /** The first time signature ([4, 4] when none), and how many changes follow. */
  timeSignature: [number, number];
  timeSignatureChanges: number;
  /** Grid steps per quarter note (4: sixteenths). */
  stepsPerBeat: number;
  /** 'melody': pitch:length tokens of the highest line; 'events': every note as on/off/wait events (./events.ts). */
  encoding: MidiEncoding;
}

export type MidiEncoding = 'melody' | 'events';

export interface MidiOptions {
  /** The track to take the melody from (default: the non-drum track with the most notes). */
  track?: number;
  /** Grid steps per quarter note (default 4, sixteenths). */
  stepsPerBeat?: number;
  /** Default 'melody'. */
  encoding?: MidiEncoding;
}

export function isMidiName(name: string): boolean {
  return /\.(mid|midi|smf)$/i.test(name);
}

/** Whether bytes start as a Standard MIDI File does ("MThd"). */
export function looksLikeMidi(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x4d && b[1] === 0x54 && b[2] === 0x68 && b[3] === 0x64;
}

export function parseMidiFile(file: string, bytes: Uint8Array, opts: MidiOptions = {}): { dataset: TokenDataset; music: MusicInfo } {
  const header = checkChunks(file, bytes);
  let midi: Midi;
  try {
    midi = new Midi(bytes);
  } catch (error) {
    throw new DataError('midi', file, `${file}: the MIDI events could not be read (${(error as Error)?.message ?? String(error)}): the file is corrupt.`);
  }
  const tracks: MidiTrackInfo[] = midi.tracks.map((t, index) => ({
    index,
    name: t.name.trim() || `Track ${index + 1}`,
    channel: t.channel + 1,
    instrument: t.instrument.percussion ? 'drums' : t.instrument.name,
    notes: t.notes.length,
    drum: t.channel === 9,
  }));
  const total = tracks.reduce((n, t) => n + t.notes, 0);
  if (total === 0) throw new DataError('empty', file, `${file}: the file holds no notes (${tracks.length} track${tracks.length === 1 ? '' : 's'}, all without note events).`);
  const melodic = tracks.filter((t) => !t.drum && t.notes > 0);
  if (melodic.length === 0) throw new DataError('midi', file, `${file}: every note is on the drum channel (10): there is no melody to learn.`);
  let chosen = melodic.reduce((a, b) => (b.notes > a.notes ? b : a));
  if (opts.track !== undefined) {
    const asked = tracks[opts.track];
    if (!asked) throw new DataError('bad-option', file, `${file}: there is no track ${opts.track + 1} (the file has ${tracks.length}).`);
    if (asked.notes === 0) throw new DataError('bad-option', file, `${file}: track ${opts.track + 1} ("${asked.name}") has no notes.`);
    chosen = asked;
  }
  const stepsPerBeat = opts.stepsPerBeat ?? 4;
  const encoding = opts.encoding ?? 'melody';
  const tempos = midi.header.tempos;
  const meters = midi.header.timeSignatures;
  const music: MusicInfo = {
    format: header.format,
    ppq: header.ppq,
    tracks,
    track: chosen.index,
    bpm: tempos.length ? Math.round(tempos[0].bpm * 100) / 100 : 120,
    tempoChanges: Math.max(0, tempos.length - 1),
    timeSignature: meters.length ? [meters[0].timeSignature[0], meters[0].timeSignature[1]] : [4, 4],
    timeSignatureChanges: Math.max(0, meters.length - 1),
    stepsPerBeat,
    encoding,
  };
  const notes = midi.tracks[chosen.index].notes;
  if (encoding === 'events') return { dataset: { ...eventDataset(file, extractEvents(notes, header.ppq / stepsPerBeat)), music }, music };
  const dataset = noteDataset(file, [{ title: chosen.name, notes: extractMelody(notes, header.ppq, header.ppq / stepsPerBeat) }]);
  return { dataset: { ...dataset, music }, music };
}

/** Event tokens as a dataset: the vocabulary sorted (offs, ons, waits), no notes per token. */
function eventDataset(file: string, tokens: string[]): TokenDataset {
  const vocab = [...new Set(tokens)].sort();
  const index = new Map(vocab.map((v, i) => [v, i]));
  const ids = Uint16Array.from(tokens, (t) => index.get(t)!);
  const counts = new Int32Array(vocab.length);
  for (const id of ids) counts[id]++;
  return { kind: 'tokens', name: file, unit: 'note', vocab, ids, counts, preview: tokens.slice(0, 200).join(' ') };
}
