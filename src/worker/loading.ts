// Making a dataset from what the page asked for (a built-in and its seed, or an uploaded file's
// bytes), off the owner's queue: parsing touches no GPU. The owner (./owner.ts) shapes and keeps it.

import { builtinInfo, makeBuiltin, parseFile, type BuiltinId, type Dataset, type DataWarning } from '../data';
import type { DataSource } from './protocol';
import type { DataOrigin } from './saver';

export interface Loaded {
  /** What was asked for, to make the same dataset again (a saved run). */
  source: DataOrigin['source'];
  dataset: Dataset;
  description: string;
  warnings: DataWarning[];
}

export async function loadDataset(source: Exclude<DataSource, { kind: 'same' }>, progress: (fraction: number, rows: number) => void): Promise<Loaded> {
  if (source.kind === 'builtin') {
    const info = builtinInfo(source.id);
    return { source, dataset: await makeBuiltin(source.id as BuiltinId, source.params, source.seed), description: info.blurb, warnings: [] };
  }
  const result = await parseFile(source.name, source.bytes, { midi: { track: source.midiTrack, encoding: source.midiEncoding } }, (p) => progress(p.fraction, p.rows));
  const music = result.detected.music;
  if (music) {
    const track = music.tracks[music.track];
    const changes = music.tempoChanges ? ` (${music.tempoChanges} tempo change${music.tempoChanges === 1 ? '' : 's'})` : '';
    const what = music.encoding === 'events' ? `every note of "${track.name}" (channel ${track.channel}) as note-on, note-off and wait events` : `the melody of "${track.name}" (channel ${track.channel}), the highest note of each chord`;
    const description = `Uploaded ${source.name} (MIDI type ${music.format}, ${music.tracks.length} track${music.tracks.length === 1 ? '' : 's'}, ${music.bpm} bpm${changes}, ${music.timeSignature.join('/')}): ${what}, on a grid of 1/${music.stepsPerBeat * 4} notes.`;
    return { source, dataset: result.dataset, warnings: result.warnings, description };
  }
  return { source, dataset: result.dataset, warnings: result.warnings, description: `Uploaded ${source.name} (${result.detected.format.toUpperCase()}, ${result.detected.encoding}).` };
}
