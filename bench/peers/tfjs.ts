// TensorFlow.js as the peer of the browser bench: the same shapes on its WebGPU backend (WebGL when
// WebGPU does not start, CPU last), in the same page, after our device has been released; and on
// its two CPU backends, `cpu` (JavaScript) and `wasm` (WebAssembly, SIMD and threads where the page
// allows), as the peers of our CPU backend's rows.
//
// Timing: on WebGPU with timestamp queries, tf.time()'s kernelMs (GPU time of every kernel the op
// launched, summed), which is the closest to our timestamp-query figure; otherwise wall-clock over
// a batch of iterations ended by reading back one element, so queue latency is amortised.
//
// Training steps ('train' specs) are a tf.sequential LSTM or GRU (returnSequences, sigmoid gates
// as in PyTorch) with a Dense head on every step, MSE and Adam, run with `model.trainOnBatch`,
// which awaits each step's loss as tfjs requires; timed on the wall clock over N steps. tfjs has
// no gradient clipping in that path (ours clips; the cost is one small reduction) and its GRU puts
// the reset gate before the recurrent matmul (Keras' reset_after=False, the only one it has).
// The selective scan has no tfjs counterpart.

import type * as TF from '@tensorflow/tfjs';
import { peerSpecKey, type BenchConfig, type Peer, type PeerResult, type PeerSpec, type Progress } from '../suite';

type Tf = typeof TF;

/** The backends tried in order: the fastest tfjs has in a browser first. */
export const TFJS_BACKENDS = ['webgpu', 'webgl', 'cpu'] as const;
export type TfjsBackend = (typeof TFJS_BACKENDS)[number] | 'wasm';

async function loadTf(progress: Progress, backends: readonly TfjsBackend[]): Promise<{ tf: Tf; backend: string; flavour: string }> {
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  for (const name of backends) {
    try {
      const wasm = name === 'wasm' ? await import('./tfjsWasm') : null;
      wasm?.prepareWasm();
      if (await tf.setBackend(name)) {
        await tf.ready();
        const flavour = wasm ? `, ${wasm.wasmFlavour(Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')))}` : '';
        return { tf, backend: name, flavour };
      }
    } catch (error) {
      progress(`tfjs: backend ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error('no TensorFlow.js backend could start');
}

interface Workload {
  /** One iteration; returns the tensor it produced (to dispose), or nothing. */
  run(): TF.Tensor | void;
  /** A tensor whose first element depends on the last iteration, for a cheap sync. */
  witness(last: TF.Tensor | void): TF.Tensor;
  dispose(): void;
}

function workload(tf: Tf, spec: PeerSpec): Workload | null {
  switch (spec.op) {
    case 'train':
    case 'minrnn-train':
    case 'scan-ref':
      return null;
    case 'matmul': {
      const { M, N, K, transA, transB } = spec;
      const a = tf.randomUniform(transA ? [K, M] : [M, K], -1, 1, 'float32', 11);
      const b = tf.randomUniform(transB ? [N, K] : [K, N], -1, 1, 'float32', 12);
      return {
        run: () => tf.matMul(a, b, transA, transB),
        witness: (last) => last as TF.Tensor,
        dispose: () => tf.dispose([a, b]),
      };
    }
    case 'activation': {
      const x = tf.randomUniform([spec.n], -4, 4, 'float32', 21);
      const f = spec.fn === 'tanh' ? tf.tanh : tf.sigmoid;
      return { run: () => f(x), witness: (last) => last as TF.Tensor, dispose: () => x.dispose() };
    }
    case 'adam': {
      const param = tf.variable(tf.randomUniform([spec.n], -1, 1, 'float32', 31));
      const grad = tf.randomUniform([spec.n], -1, 1, 'float32', 32);
      const optimizer = tf.train.adam(1e-3);
      return {
        run: () => optimizer.applyGradients([{ name: param.name, tensor: grad }]),
        witness: () => param,
        dispose: () => {
          optimizer.dispose();
          tf.dispose([param, grad]);
        },
      };
    }
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs `times` iterations and returns the per-iteration time and how it was taken. */
async function timeBatch(tf: Tf, w: Workload, times: number, useKernelMs: boolean): Promise<number> {
  if (useKernelMs) {
    const info = await tf.time(() => {
      for (let i = 0; i < times; i++) {
        const out = w.run();
        if (out) out.dispose();
      }
    });
    const kernelMs = info.kernelMs;
    if (typeof kernelMs === 'number' && kernelMs > 0) return kernelMs / times;
  }
  const start = performance.now();
  let last: TF.Tensor | void = undefined;
  for (let i = 0; i < times; i++) {
    const out = w.run();
    if (last) last.dispose();
    last = out;
  }
  const probe = tf.tidy(() => tf.slice(tf.reshape(w.witness(last), [-1]), [0], [1]));
  await probe.data();
  probe.dispose();
  if (last) last.dispose();
  return (performance.now() - start) / times;
}

type TrainSpec = Extract<PeerSpec, { op: 'train' }>;

/** Milliseconds per training step (median over timed runs of `steps` awaited steps each). */
async function timeTraining(tf: Tf, spec: TrainSpec, config: BenchConfig): Promise<{ ms: number; steps: number; reps: number }> {
  const { batch: B, seqLen: T, input: I, hidden: H, output: O } = spec;
  const optimizer = tf.train.adam(spec.lr);
  const model = tf.sequential();
  const recurrent = { units: H, returnSequences: true, inputShape: [T, I], recurrentActivation: 'sigmoid' as const };
  model.add(spec.cell === 'lstm' ? tf.layers.lstm(recurrent) : tf.layers.gru(recurrent));
  model.add(tf.layers.dense({ units: O }));
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const x = tf.randomUniform([B, T, I], -1, 1, 'float32', 41);
  const y = tf.randomUniform([B, T, O], -1, 1, 'float32', 42);
  const run = async (steps: number) => {
    const start = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
    return (performance.now() - start) / steps;
  };
  try {
    // The first step builds every shader; each step is awaited, so there is no latency to amortise
    // and a slow step is timed alone.
    let single = 0;
    for (let i = 0; i < Math.max(1, config.warmup); i++) single = await run(1);
    const steps = Math.max(1, Math.min(config.maxBatch, Math.ceil(config.targetSpanMs / single)));
    const samples: number[] = [];
    let spent = 0;
    for (let r = 0; r < config.reps; r++) {
      if (r >= 2 && spent > config.caseBudgetMs) break;
      const ms = await run(steps);
      spent += ms * steps;
      samples.push(ms);
    }
    return { ms: median(samples), steps, reps: samples.length };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([x, y]);
  }
}

/** TensorFlow.js on the first of `backends` that starts (['cpu'] is the peer of our CPU backend). */
export function tfjsPeer(backends: readonly TfjsBackend[] = TFJS_BACKENDS): Peer {
  const peer: Peer = {
    name: 'tfjs',
    async measure(specs: readonly PeerSpec[], config: BenchConfig, progress: Progress) {
      const { tf, backend, flavour } = await loadTf(progress, backends);
      try {
        // Small tensors would otherwise run on the CPU when their data is still there.
        tf.env().set('WEBGPU_CPU_FORWARD', false);
      } catch {
        // Flag unknown to this backend.
      }
      const timestamps = backend === 'webgpu' && Boolean((tf.backend() as unknown as { supportTimestampQuery?: boolean }).supportTimestampQuery);
      const timing = timestamps ? 'timestamp-query (kernels)' : 'wall-clock';
      peer.name = `tfjs-${backend}`;
      peer.detail = `TensorFlow.js ${tf.version_core}, ${backend} backend${flavour}, ${timing}`;
      progress(`peer: ${peer.detail}`);
      const results: Array<PeerResult | null> = [];
      for (const spec of specs) {
        if (spec.op === 'train') {
          try {
            const t = await timeTraining(tf, spec, config);
            results.push({ name: peer.name, ms: t.ms, timing: 'wall-clock (trainOnBatch, awaited per step)' });
            progress(`tfjs ${peerSpecKey(spec)}: ${t.ms.toPrecision(4)} ms per step (${t.steps} steps x ${t.reps})`);
          } catch (error) {
            progress(`tfjs ${peerSpecKey(spec)} failed: ${error instanceof Error ? error.message : String(error)}`);
            results.push(null);
          }
          continue;
        }
        const w = workload(tf, spec);
        if (!w) {
          results.push(null);
          continue;
        }
        try {
          let single = 0;
          for (let i = 0; i < Math.max(2, config.warmup); i++) single = await timeBatch(tf, w, 1, timestamps);
          const batch = Math.max(1, Math.min(config.maxBatch, single > 0 ? Math.ceil(config.targetPassMs / single) : config.maxBatch));
          const samples: number[] = [];
          let spent = 0;
          for (let r = 0; r < config.reps; r++) {
            if (r >= 3 && spent > config.caseBudgetMs) break;
            const ms = await timeBatch(tf, w, batch, timestamps);
            spent += ms * batch;
            samples.push(ms);
          }
          const ms = median(samples);
          results.push({ name: peer.name, ms, timing });
          progress(`tfjs ${peerSpecKey(spec)}: ${ms.toPrecision(4)} ms (batch ${batch} x ${samples.length})`);
        } catch (error) {
          progress(`tfjs ${peerSpecKey(spec)} failed: ${error instanceof Error ? error.message : String(error)}`);
          results.push(null);
        } finally {
          w.dispose();
        }
      }
      return results;
    },
  };
  return peer;
}
