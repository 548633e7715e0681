// The main thread's side of the worker: starts it, forwards commands, and routes its messages
// into the store. Nothing here touches WebGPU.

import { useStore } from './store';
import type { FromWorker, ToWorker } from '../worker/protocol';

let worker: Worker | null = null;

export function hasWebGPU(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && Boolean(navigator.gpu);
}

export function connectEngine(): void {
  if (!hasWebGPU()) {
    useStore.getState().setGpu({ state: 'unsupported' });
    return;
  }
  worker = new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module', name: 'timestep-training' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => handle(event.data);
  worker.onerror = (event) => {
    useStore.getState().setGpu({ state: 'problem', kind: 'internal', message: `The training worker failed: ${event.message}`, detail: '' });
  };
  send({ type: 'init' });
}

export function send(message: ToWorker): void {
  worker?.postMessage(message);
}

function handle(message: FromWorker): void {
  const { setGpu } = useStore.getState();
  switch (message.type) {
    case 'gpu-ready':
      setGpu({ state: 'ready', info: message.info, selfTest: message.selfTest });
      break;
    case 'gpu-problem':
      setGpu({ state: 'problem', kind: message.kind, message: message.message, detail: message.detail });
      break;
  }
}
