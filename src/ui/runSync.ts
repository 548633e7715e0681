// Turns changes of the run's configuration into worker commands: a new model, training or data
// choice rebuilds the run (after a short pause in typing); speed and probe choices apply live.

import { configureSoon, loadBuiltinSoon, requestProbe, setSpeed } from './engine';
import type { Store } from './store';
import { useStore } from './store';

function sameExceptSpeed(a: Store['training'], b: Store['training']): boolean {
  return a === b || JSON.stringify({ ...a, speed: 0 }) === JSON.stringify({ ...b, speed: 0 });
}

export function startRunSync(): void {
  useStore.subscribe((s, prev) => {
    // Built-in data is generated from the seed too: a new seed regenerates it (and then rebuilds),
    // unless the data changed with it (a saved run opened with its own data).
    if (s.seed !== prev.seed && s.dataRef.kind === 'builtin' && !s.pendingRef && s.dataRef === prev.dataRef) {
      loadBuiltinSoon(s.dataRef.id, s.dataRef.params);
      return;
    }
    const rebuild = s.models !== prev.models || s.choice !== prev.choice || s.seed !== prev.seed || !sameExceptSpeed(s.training, prev.training);
    // A freshly loaded dataset is configured by the router; a new choice arriving with it is not a change.
    if (rebuild && s.summary && s.summary === prev.summary) configureSoon();
    if (s.training.speed !== prev.training.speed) setSpeed(s.training.speed);
    if (s.probeSample !== prev.probeSample || s.probeLayer !== prev.probeLayer) requestProbe(s.probeSample, s.probeLayer);
  });
}
