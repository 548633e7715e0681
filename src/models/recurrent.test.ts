// The GPU recurrent layers (WGSL) against PyTorch's own numbers: every rnn_tanh, lstm and gru
// fixture in ../shared/fixtures/torch, forward and backward.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu } from '../gpu/device';
import { runOps } from '../gpu/dispatch';
import { nodeGpu } from '../gpu/node';
import { readTensor } from '../gpu/readback';
import { createTensor, packSlab, Slab, slabLayout, writeTensor } from '../gpu/tensor';
import { kernelContext, type KernelContext } from '../kernels/registry';
import { relErr } from '../reference/compare';
import { Tape } from '../train/tape';
import { RecurrentStack, recurrentParameterShapes, type CellKind } from './recurrent';
import { batchToTime, timeToBatch } from './layout';

const dir = process.env.TIMESTEP_FIXTURES ?? resolve(import.meta.dirname, '../../../shared/fixtures/torch');
interface T64 {
  shape: number[];
  data: number[];
}
interface Fixture {
  name: string;
  kind: CellKind;
  config: { batch: number; seq_len: number; input_size: number; hidden_size: number; num_layers: number; bidirectional?: boolean };
  inputs: Record<string, T64>;
  params: Record<string, T64>;
  cotangents: Record<string, T64>;
  outputs: Record<string, T64>;
  grads: Record<string, T64>;
}

const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^(rnn_tanh|lstm|gru)_.*\.json$/.test(f)) : [];

let gpu: Gpu;
let ctx: KernelContext;
beforeAll(async () => {
  gpu = await nodeGpu();
  ctx = kernelContext(gpu.device);
});
afterAll(() => gpu?.device.destroy());

describe('recurrent layers match PyTorch fixtures', () => {
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  for (const file of files) {
    it(file, async () => {
      const fx = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as Fixture;
      const { batch: B, seq_len: T, input_size: I, hidden_size: H, num_layers: L } = fx.config;
      const cfg = { cell: fx.kind, inputSize: I, hiddenSize: H, numLayers: L, bidirectional: Boolean(fx.config.bidirectional), initialState: 'zeros' as const };
      const D = cfg.bidirectional ? 2 : 1;
      const layout = slabLayout(recurrentParameterShapes(cfg), gpu.device.limits.minStorageBufferOffsetAlignment);
      const params = new Slab(gpu.device, 'params', layout);
      const grads = new Slab(gpu.device, 'grads', layout);
      writeTensor(gpu.device, params.all(), packSlab(layout, Object.fromEntries(Object.entries(fx.params).map(([k, v]) => [k, v.data]))));
      const x = createTensor(gpu.device, 'x', [T, B, I], batchToTime(fx.inputs.x.data, B, T, I));
      const dx = createTensor(gpu.device, 'dx', [T, B, I]);
      const h0 = createTensor(gpu.device, 'h0', [L * D, B, H], fx.inputs.h0.data);
      const c0 = fx.inputs.c0 ? createTensor(gpu.device, 'c0', [L * D, B, H], fx.inputs.c0.data) : undefined;
      const dhN = createTensor(gpu.device, 'dhN', [L * D, B, H], fx.cotangents.h_n.data);
      const dcN = fx.cotangents.c_n ? createTensor(gpu.device, 'dcN', [L * D, B, H], fx.cotangents.c_n.data) : undefined;
      const tape = new Tape();
      const stack = await RecurrentStack.build(ctx, cfg, T, B, { params, grads, prefix: '', x, dx, h0, c0, dhN, dcN }, tape);
      writeTensor(gpu.device, stack.dOut, batchToTime(fx.cotangents.y.data, B, T, D * H));
      await runOps(gpu.device, [...tape.forwardOps(), ...tape.backwardOps()]);

      const tol = T >= 200 ? 5e-4 : 1e-4;
      const check = (what: string, got: ArrayLike<number>, want: T64) => {
        const err = relErr(got, want.data);
        expect(err, `${file} ${what} err=${err}`).toBeLessThanOrEqual(tol);
      };
      check('y', timeToBatch(await readTensor(gpu.device, stack.out), B, T, D * H), fx.outputs.y);
      check('h_n', await readTensor(gpu.device, stack.hN), fx.outputs.h_n);
      if (stack.cN) check('c_n', await readTensor(gpu.device, stack.cN), fx.outputs.c_n);
      check('grad x', timeToBatch(await readTensor(gpu.device, dx), B, T, I), fx.grads.x);
      check('grad h0', await readTensor(gpu.device, stack.dh0), fx.grads.h0);
      if (stack.dc0) check('grad c0', await readTensor(gpu.device, stack.dc0), fx.grads.c0);
      for (const [name] of recurrentParameterShapes(cfg)) check(`grad ${name}`, await readTensor(gpu.device, grads.tensor(name)), fx.grads[name]);
      stack.destroy();
      params.destroy();
      grads.destroy();
    });
  }
});
