// Making a dataset from what the page asked for (a built-in and its seed, or an uploaded file's
// bytes), off the owner's queue: parsing touches no GPU. Loads keeps the latest as parsed, so that
// another shape (src/data/shape.ts) can read it again; the owner (./owner.ts) puts it in place.

import { builtinInfo, makeBuiltin, parseFile, type BuiltinId, type Dataset, type DataWarning } from '../data';
import { applyShape } from '../data/shape';
import type { DataShape, DataSource } from './protocol';
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

/** A loaded dataset in the shape asked for, with what shaping said. */
export type Shaped = Loaded & { layout: ReturnType<typeof applyShape>['layout'] };

export function shapeLoaded(loaded: Loaded, shape: DataShape): Shaped {
  const shaped = applyShape(loaded.dataset, shape);
  return { ...loaded, dataset: shaped.dataset, layout: shaped.layout, warnings: [...loaded.warnings, ...shaped.warnings] };
}

/**
 * The file or built-in as parsed, before its shape: the latest asked for, which a load with source
 * 'same' reads again. A load that fails leaves the one before.
 */
export class Loads {
  private raw: Promise<Loaded> | null = null;

  /** Makes `source` (or, for 'same', takes the last one made) and shapes it. */
  shaped(source: DataSource, shape: DataShape, progress: (fraction: number, rows: number) => void): Promise<Shaped> {
    let raw: Promise<Loaded>;
    if (source.kind === 'same') {
      raw = this.raw ?? Promise.reject(new Error('No data is loaded yet to read again.'));
    } else {
      raw = loadDataset(source, progress);
      const previous = this.raw;
      // A reshape asked for later reads this one, or, if it fails, the one before it.
      this.raw = raw.catch((error: unknown) => previous ?? Promise.reject(error));
    }
    return raw.then((loaded) => shapeLoaded(loaded, shape));
  }

  /** A dataset made elsewhere (a saved run reopened) becomes the one a reshape reads. */
  keep(loaded: Loaded): void {
    this.raw = Promise.resolve(loaded);
  }
}
