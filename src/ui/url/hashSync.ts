// Keeps the URL hash and the store in step: the store is restored from the hash at start (and
// when someone edits the URL), and every change to the run is written back without adding
// history entries.

import { loadRef } from '../engine';
import type { Store } from '../store';
import { useStore } from '../store';
import { expandLessonHash } from '../lessons/lessonHash';
import { decodeHash, encodeHash, type HashState } from './hashState';

let written = '';

function stateOf(s: Store): HashState {
  const ref = s.pendingRef ?? s.dataRef;
  return {
    dataset: ref.kind === 'builtin' ? { id: ref.id, params: ref.params } : { id: '', params: {} },
    fileName: ref.kind === 'file' ? ref.name : null,
    models: s.models,
    training: s.training,
    choice: s.choice,
    seed: s.seed,
    lesson: s.lesson,
  };
}

/**
 * Puts the hash's run into the store; returns whether the hash said anything. `live`: the page
 * is running and will load the hash's data next, so the dataset is marked as on its way (which
 * keeps the old data from being rebuilt with the new settings meanwhile). A lesson in the hash
 * (`#lesson=vanishing`) stands for its whole setup, with the hash's other keys over it.
 */
export function restoreFromHash(hash = location.hash, live = false): boolean {
  if (hash.replace(/^#/, '').length === 0) return false;
  const expanded = expandLessonHash(hash);
  const h = decodeHash(expanded.hash);
  const dataRef = { kind: 'builtin' as const, id: h.dataset.id, params: h.dataset.params };
  useStore.setState({
    models: h.models,
    training: h.training,
    seed: h.seed,
    choice: h.choice,
    lesson: h.lesson ?? null,
    ...expanded.lesson?.views,
    dataRef,
    ...(live ? { pendingRef: dataRef } : {}),
    dataError: h.fileName
      ? { message: `The link was made with your file “${h.fileName}”, which cannot travel in a link.`, detail: 'Drop the file here again to continue with it; meanwhile the default dataset is loaded.' }
      : null,
  });
  return true;
}

function write(): void {
  const text = encodeHash(stateOf(useStore.getState()));
  if (text === written) return;
  written = text;
  history.replaceState(null, '', `#${text}`);
}

export function startHashSync(): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  useStore.subscribe((s, prev) => {
    const changed =
      s.models !== prev.models || s.training !== prev.training || s.seed !== prev.seed || s.choice !== prev.choice || s.dataRef !== prev.dataRef || s.pendingRef !== prev.pendingRef || s.lesson !== prev.lesson;
    if (!changed) return;
    clearTimeout(timer);
    timer = setTimeout(write, 150);
  });
  write();
  window.addEventListener('hashchange', () => {
    if (location.hash.replace(/^#/, '') === written) return;
    // Applied at once, even while the page starts: the worker queues the load behind its start.
    if (restoreFromHash(location.hash, true)) loadRef(useStore.getState().dataRef);
  });
}
