// Which saved run a page opens as it starts. The URL hash holds the settings; a saved run holds
// the trained state. A reload (or a link to a run this browser saved) opens the saved run whose
// settings are the link's; a bare address opens the run saved last; a link naming an uploaded file
// opens the newest run saved with that file (files cannot travel in a link). Anything else (a
// link to settings never saved here) starts afresh from the link. Within one tab, a reload opens
// exactly the saved run that was in place (sessionStorage keeps its id), or none.

const TAB_KEY = 'timestep-run-in-tab';

/** The saved run this tab had in place before it reloaded ('' for none), or null in a new tab. */
export function runInTab(): string | null {
  try {
    return sessionStorage.getItem(TAB_KEY);
  } catch {
    return null;
  }
}

/** Remembers the saved run in place (null: none) for a reload of this tab. */
export function rememberRunInTab(id: string | null): void {
  try {
    sessionStorage.setItem(TAB_KEY, id ?? '');
  } catch {
    // Storage refused (private mode): a reload falls back on the link.
  }
}

import type { RunMeta, SavedSource } from '../../worker/protocol';
import type { DataRef } from '../state/dataSlice';
import { decodeHash, encodeHash, type HashState } from '../url/hashState';

/**
 * The run to open for this hash, or null to load the link's data as usual. `runs`: newest first.
 * `inTab`: the saved run this tab had in place before a reload ('' for none; null: a new tab).
 */
export function pickStartRun(runs: RunMeta[], hash: string, inTab: string | null = null): RunMeta | null {
  // A reload brings back what the tab had, even a run reset since it was saved (then: none).
  if (inTab !== null) return runs.find((r) => r.id === inTab) ?? null;
  if (runs.length === 0) return null;
  if (hash.replace(/^#/, '').length === 0) return runs[0];
  const link = decodeHash(hash);
  const wanted = comparable(link);
  const same = runs.find((r) => comparable(hashStateOf(r)) === wanted);
  if (same) return same;
  if (link.fileName) return runs.find((r) => r.source.kind === 'file' && r.source.name === link.fileName) ?? null;
  return null;
}

/** A saved run as its link would say it. */
export function hashStateOf(meta: RunMeta): HashState {
  const source = meta.source;
  return {
    dataset: source.kind === 'builtin' ? { id: source.id, params: source.params } : { id: '', params: {} },
    fileName: source.kind === 'file' ? source.name : null,
    models: meta.run.models,
    training: meta.run.training,
    choice: meta.run.data,
    seed: meta.run.seed,
  };
}

/** The data a saved run trains on, as the page names a dataset. */
export function refOf(source: SavedSource): DataRef {
  return source.kind === 'builtin' ? { kind: 'builtin', id: source.id, params: source.params } : { kind: 'file', name: source.name, size: source.size };
}

/**
 * A link's text as the page would read it (through the decoder, which completes defaults) with
 * the speed left out: playing faster or slower is the same run.
 */
function comparable(state: HashState): string {
  const read = decodeHash(encodeHash(state));
  return encodeHash({ ...read, training: { ...read.training, speed: 'max' } });
}
