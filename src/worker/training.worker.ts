// The training worker: it owns the GPUDevice. Everything GPU happens here; the main thread only
// draws. Problems (no adapter, lost device, bad data, NaN) come back as messages, and nothing
// already loaded or trained is dropped because of one.

import { builtinInfo, isDataError, makeBuiltin, parseFile, type BuiltinId, type Dataset, type DataWarning } from '../data';
import { acquireGpu, type Gpu } from '../gpu/device';
import { GpuError } from '../gpu/errors';
import { kernelContext, type KernelContext } from '../kernels/registry';
import { summarize } from './dataSource';
import type { DataSource, FromWorker, ToWorker } from './protocol';
import { gpuSelfTest } from './selftest';
import { Session } from './session';

// The worker's global scope, typed narrowly (the DOM and WebWorker libs cannot both be loaded).
const scope = self as unknown as { postMessage(message: FromWorker, transfer?: Transferable[]): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
let gpu: Gpu | null = null;
let ctx: KernelContext | null = null;
let session: Session | null = null;
/** What a lost device leaves behind, restored on the next 'init' (the Reconnect button). */
let saved: ReturnType<Session['exportState']> | null = null;

function send(message: FromWorker): void {
  scope.postMessage(message);
}

function reportProblem(error: unknown): void {
  if (error instanceof GpuError) send({ type: 'gpu-problem', kind: error.kind, message: error.message, detail: error.detail });
  else send({ type: 'gpu-problem', kind: 'internal', message: String((error as Error)?.message ?? error), detail: String((error as Error)?.stack ?? '') });
}

function deviceLost(problem: GpuError): void {
  if (session) {
    session.halt();
    saved = session.exportState();
    send({ type: 'running', running: false });
  }
  session = null;
  ctx = null;
  gpu = null;
  reportProblem(problem);
}

async function init(): Promise<void> {
  try {
    gpu = await acquireGpu(navigator.gpu, {
      onProblem: (problem) => (problem.kind === 'device-lost' ? deviceLost(problem) : reportProblem(problem)),
    });
    ctx = kernelContext(gpu.device);
    session = new Session(ctx, send);
    send({ type: 'gpu-ready', info: gpu.info, selfTest: await gpuSelfTest(ctx) });
    if (saved) {
      // Reconnected after a lost device: the same data, run and last parameters carry on.
      const state = saved;
      saved = null;
      await session.restore(state);
      if (state.dataset) send({ type: 'data-loaded', summary: summarize(state.dataset, 'Restored after the GPU device was lost.') });
    }
  } catch (error) {
    reportProblem(error);
  }
}

async function loadData(source: DataSource): Promise<void> {
  try {
    let dataset: Dataset;
    let warnings: DataWarning[] = [];
    let description: string;
    if (source.kind === 'builtin') {
      const info = builtinInfo(source.id);
      dataset = await makeBuiltin(source.id as BuiltinId, source.params, source.seed);
      description = info.blurb;
    } else {
      const result = await parseFile(source.name, source.bytes, {}, (p) => send({ type: 'data-progress', fraction: p.fraction, rows: p.rows }));
      dataset = result.dataset;
      warnings = result.warnings;
      description = `Uploaded ${source.name} (${result.detected.format.toUpperCase()}, ${result.detected.encoding}).`;
    }
    session?.setDataset(dataset);
    send({ type: 'data-loaded', summary: summarize(dataset, description, warnings) });
  } catch (error) {
    // The dataset already loaded, and any training, stay as they were.
    const message = isDataError(error) || error instanceof Error ? error.message : String(error);
    send({ type: 'data-error', message, detail: isDataError(error) ? '' : String((error as Error)?.stack ?? '') });
  }
}

/**
 * Runs a request on the configured run. A refusal (a model that cannot do it, a file that does
 * not fit) comes back as that action's error; the run stays as it was.
 */
async function attempt(action: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    send({ type: 'action-error', action, message: (error as Error).message ?? String(error) });
  }
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      return init();
    case 'debug-lose-device':
      // For tests and the curious: what happens when the driver takes the device away.
      await session?.snapshot();
      gpu?.device.destroy();
      return;
    case 'self-test':
      if (ctx && gpu) send({ type: 'gpu-ready', info: gpu.info, selfTest: await gpuSelfTest(ctx) });
      return;
    case 'load-data':
      return loadData(message.source);
  }
  if (!session) return;
  const live = session;
  switch (message.type) {
    case 'configure':
      try {
        await session.configure(message.run);
      } catch (error) {
        send({ type: 'config-error', message: (error as Error).message ?? String(error) });
      }
      return;
    case 'play':
      return session.play();
    case 'pause':
      return session.pause();
    case 'step':
      return session.stepOnce();
    case 'reset':
      return session.reset();
    case 'set-speed':
      session.setSpeed(message.speed);
      return;
    case 'probe':
      session.setProbe(message.sample, message.layer);
      return;
    case 'bptt-step':
      return attempt('step through BPTT', () => live.bpttStep(message.sample));
    case 'forecast':
      return attempt('forecast', () => live.forecast(message.modelId, message.horizon));
    case 'export-weights':
      return attempt('download the weights', async () => {
        const { text, step } = await live.exportWeights(message.modelId, message.name);
        send({ type: 'weights', modelId: message.modelId, step, text });
      });
    case 'load-weights':
      return attempt(`load ${message.file}`, () => live.loadWeights(message.modelId, message.file, message.text));
    case 'decode':
      return attempt('decode', () => live.decode());
    case 'bptt-stop':
      live.stopWalk();
      return;
    case 'sample-text':
      return attempt('sample text', async () => {
        send({ type: 'text-sample', modelId: message.modelId, text: await live.sampleText(message.modelId, message.prompt, message.length, message.temperature) });
      });
  }
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  // play() resolves only when training pauses, so messages are handled concurrently; the session
  // orders what must be ordered (configure pauses first).
  handle(event.data).catch(reportProblem);
};
