// One model's whole training step (forward, BPTT, clipping, Adam) on the CPU backend in Node, at
// the copy lesson's size (batch 32, 36 steps, 10 inputs, hidden 64; Mamba: 2 layers, d_model 64,
// d_state 16): the quick measure for work on src/kernels/cpu. TIMESTEP_CPU_SIMD=off times the
// plain loops in place of the WebAssembly SIMD product. For a profile, add --cpu-prof to node.
//
//   node scripts/bundle-node.mjs bench/cpu-step.ts && node .build/cpu-step.mjs [lstm|gru|rnn_tanh|mamba] [steps]

import { acquireCpu } from '../src/kernels/cpu';
import { kernelContext } from '../src/kernels/registry';
import type { ModelConfig } from '../src/models/registry';
import { defaultOptimizer } from '../src/train/optimizers';
import { Trainer, type TrainerConfig } from '../src/train/trainer';

const kind = process.argv[2] ?? 'lstm';
const steps = Number(process.argv[3] ?? 10);
const [B, T, I, H] = [32, 36, 10, 64];
const model: ModelConfig =
  kind === 'mamba'
    ? { kind: 'mamba', inputSize: I, dModel: H, dState: 16, dConv: 4, expand: 2, numLayers: 2 }
    : { kind: 'recurrent', cell: kind as 'lstm' | 'gru' | 'rnn_tanh', inputSize: I, hiddenSize: H, numLayers: 1, bidirectional: false, initialState: 'zeros' };
const cfg: TrainerConfig = { model, inputSize: I, outputSize: I, task: 'many-to-many', loss: 'mse', batch: B, seqLen: T, optimizer: defaultOptimizer('adam', 1e-3), clipNorm: 1, carryState: false, seed: 1 };
const gpu = acquireCpu();
const ctx = kernelContext(gpu.device);
const trainer = await Trainer.create(ctx, cfg);
const x = new Float32Array(B * T * I).map((_, i) => Math.sin(i * 0.37));
trainer.setBatch(x, x);
trainer.step(); // warm-up
await ctx.device.queue.onSubmittedWorkDone();
const start = performance.now();
for (let i = 0; i < steps; i++) trainer.step();
await ctx.device.queue.onSubmittedWorkDone();
console.log(`${kind}: ${((performance.now() - start) / steps).toFixed(1)} ms per training step (${gpu.info.description})`);
