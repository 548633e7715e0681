// The training worker: it owns the GPUDevice and the run. Everything GPU happens here; the main
// thread only draws. Every message goes into the run owner's one queue (./owner.ts); problems (no
// adapter, lost device, bad data, NaN) come back as messages, and nothing already loaded or
// trained is dropped because of one.

import { acquireBackend, acquireProbeDevice } from './backend';
import { probeBackends } from './backendProbe';
import { RunOwner } from './owner';
import { RunStore } from './persist';
import { transferables, type FromWorker, type ToWorker } from './protocol';

// The worker's global scope, typed narrowly (the DOM and WebWorker libs cannot both be loaded).
const scope = self as unknown as { postMessage(message: FromWorker, transfer?: Transferable[]): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };

const owner = new RunOwner({
  send: (message) => scope.postMessage(message, transferables(message)),
  // WebGPU where the browser offers an adapter, else the CPU backend; on a software adapter, the faster of the two.
  acquire: (onProblem, backend) => acquireBackend({ webgpu: navigator.gpu, probe: probeBackends }, backend, onProblem),
  // The configured run timed on both backends on a software adapter, the faster offered (./runProbe.ts).
  runProbe: { acquireOther: (backend) => acquireProbeDevice(navigator.gpu, backend) },
  // Saved runs live in this origin's IndexedDB; a browser without it (or refusing it) saves nothing.
  store: typeof indexedDB === 'undefined' ? null : RunStore.open(indexedDB),
});

scope.onmessage = (event: MessageEvent<ToWorker>) => owner.post(event.data);
