// The training worker: it owns the GPUDevice. Everything GPU happens here; the main thread only
// draws. Problems (no adapter, lost device, uncaptured errors) are reported as messages.

import { acquireGpu, type Gpu } from '../gpu/device';
import { GpuError } from '../gpu/errors';
import { kernelContext, type KernelContext } from '../kernels/registry';
import type { FromWorker, ToWorker } from './protocol';
import { gpuSelfTest } from './selftest';

// The worker's global scope, typed narrowly (the DOM and WebWorker libs cannot both be loaded).
const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
let gpu: Gpu | null = null;
let ctx: KernelContext | null = null;

function send(message: FromWorker): void {
  scope.postMessage(message);
}

function reportProblem(error: unknown): void {
  if (error instanceof GpuError) send({ type: 'gpu-problem', kind: error.kind, message: error.message, detail: error.detail });
  else send({ type: 'gpu-problem', kind: 'internal', message: String((error as Error)?.message ?? error), detail: String((error as Error)?.stack ?? '') });
}

async function init(): Promise<void> {
  try {
    gpu = await acquireGpu(navigator.gpu, { onProblem: reportProblem });
    ctx = kernelContext(gpu.device);
    send({ type: 'gpu-ready', info: gpu.info, selfTest: await gpuSelfTest(ctx) });
  } catch (error) {
    reportProblem(error);
  }
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      void init();
      break;
    case 'self-test':
      if (ctx) void gpuSelfTest(ctx).then((selfTest) => gpu && send({ type: 'gpu-ready', info: gpu.info, selfTest }), reportProblem);
      break;
  }
};
