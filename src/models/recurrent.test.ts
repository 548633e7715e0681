// What the fixture checks (src/train/checkFixture.test.ts) do not cover: a learned initial state
// (a trainable h0/c0 shared by the batch) and the probes the visualisations read.

import { describe, expect, it } from 'vitest';
import { Random, toF32Values } from '../data/random';
import { runOps } from '../gpu/dispatch';
import { useKernelContext } from '../kernels/testing';
import { readTensor } from '../gpu/readback';
import { createTensor, packSlab, Slab, slabLayout, writeTensor } from '../gpu/tensor';
import { relErr } from '../reference/compare';
import { recurrentBackward, recurrentForward } from '../reference/recurrent';
import { Tape } from '../train/tape';
import { batchToTime, timeToBatch } from './layout';
import { chooseSchedule, persistentLayout, persistentStorageBytes } from '../kernels/recurrent';
import { RecurrentStack, initRecurrent, recurrentParameterShapes, type RecurrentConfig } from './recurrent';

const { gpu, ctx } = useKernelContext();

async function build(cfg: RecurrentConfig, B: number, T: number, seed: number) {
  const rng = new Random(seed);
  const values: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(initRecurrent(cfg, rng))) values[k] = toF32Values(/^[hc]0_/.test(k) ? rng.uniformArray(v.length, -1, 1) : v);
  const layout = slabLayout(recurrentParameterShapes(cfg), gpu.device.limits.minStorageBufferOffsetAlignment);
  const params = new Slab(gpu.device, 'params', layout);
  const grads = new Slab(gpu.device, 'grads', layout);
  writeTensor(gpu.device, params.all(), packSlab(layout, values));
  const xb = toF32Values(rng.uniformArray(B * T * cfg.inputSize, -2, 2));
  const x = createTensor(gpu.device, 'x', [T, B, cfg.inputSize], batchToTime(xb, B, T, cfg.inputSize));
  const tape = new Tape();
  const stack = await RecurrentStack.build(ctx, cfg, T, B, { params, grads, prefix: '', x }, tape);
  const D = cfg.bidirectional ? 2 : 1;
  const dy = toF32Values(rng.uniformArray(B * T * D * cfg.hiddenSize, -1, 1));
  writeTensor(gpu.device, stack.dOut, batchToTime(dy, B, T, D * cfg.hiddenSize));
  await runOps(gpu.device, [...tape.forwardOps(), ...tape.backwardOps()]);
  return { values, xb, dy, stack, grads };
}

describe('learned initial state', () => {
  const cases = (['rnn_tanh', 'lstm', 'gru'] as const).flatMap((cell) => (['persistent', 'stepwise'] as const).map((schedule) => [cell, schedule] as const));
  for (const [cell, schedule] of cases) {
    it(`${cell} (${schedule}): h0 (and c0) broadcast over the batch, gradient summed over it`, async () => {
      const cfg: RecurrentConfig = { cell, inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, initialState: 'learned', schedule };
      const B = 4;
      const T = 6;
      const { values, xb, dy, stack, grads } = await build(cfg, B, T, 3);
      const ref = recurrentForward(cfg, values, xb, { batch: B });
      expect(relErr(timeToBatch(await readTensor(gpu.device, stack.out), B, T, 10), ref.y)).toBeLessThan(1e-5);
      const g = recurrentBackward(ref.cache, { dy });
      for (const [name] of recurrentParameterShapes(cfg)) {
        const want = /^[hc]0_/.test(name) ? sumOverBatch(name.startsWith('h0') ? g.dh0 : g.dc0, rowOf(name), B, 5) : g.grads[name];
        expect(relErr(await readTensor(gpu.device, grads.tensor(name)), want), name).toBeLessThan(1e-4);
      }
      stack.destroy();
    });
  }
});

describe('schedule', () => {
  it('runs the schedule chooseSchedule picks for the device, unless the config says which', async () => {
    const cfg: RecurrentConfig = { cell: 'gru', inputSize: 2, hiddenSize: 33, numLayers: 1, bidirectional: false, initialState: 'zeros' };
    for (const [c, B, want] of [
      [cfg, 3, chooseSchedule(33, gpu.device.limits)],
      [{ ...cfg, schedule: 'stepwise' }, 3, 'stepwise'],
      [{ ...cfg, schedule: 'persistent' }, 3, 'persistent'],
    ] as const) {
      const { stack } = await build(c, B, 2, 1);
      expect(stack.schedule.split(':')[0], `${c.schedule ?? 'chosen'}`).toBe(want);
      stack.destroy();
    }
    const { lanes, split } = persistentLayout(33, gpu.device.limits);
    expect((await build(cfg, 3, 2, 1)).stack.schedule).toContain(`(${lanes} lanes in ${split} slices)`);
  });
});

describe('chooseSchedule and persistentLayout', () => {
  const nvidia = { maxComputeInvocationsPerWorkgroup: 1024, maxComputeWorkgroupSizeX: 1024, maxComputeWorkgroupStorageSize: 49152 };
  const portable = { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupStorageSize: 16384 };

  it('persistent wherever its workgroup memory fits, stepwise past that', () => {
    expect(chooseSchedule(128, nvidia)).toBe('persistent');
    expect(chooseSchedule(2048, nvidia)).toBe('persistent'); // 24·2048 bytes: all of 48 KiB
    expect(chooseSchedule(2049, nvidia)).toBe('stepwise');
    expect(chooseSchedule(682, portable)).toBe('persistent'); // 24·682 bytes fit 16 KiB
    expect(chooseSchedule(683, portable)).toBe('stepwise');
  });

  it('fits the limits, a lane per unit up to the lanes there are, slices for the rest', () => {
    for (const limits of [nvidia, portable]) {
      for (const H of [1, 2, 3, 7, 8, 33, 64, 65, 128, 257, 512, 682, 1024, 2000]) {
        const { lanes, split } = persistentLayout(H, limits);
        const units = lanes / split;
        expect(Number.isInteger(units) && units > 0 && (units & (units - 1)) === 0, `H=${H}`).toBe(true);
        expect(lanes).toBeLessThanOrEqual(limits.maxComputeInvocationsPerWorkgroup);
        expect(units >= H || lanes * 2 > limits.maxComputeInvocationsPerWorkgroup, `H=${H}: ${units} units`).toBe(true);
        expect(split === 1 || (split * 4 <= H && persistentStorageBytes(H, split) <= limits.maxComputeWorkgroupStorageSize), `H=${H}`).toBe(true);
      }
    }
    expect(persistentLayout(128, nvidia)).toEqual({ lanes: 1024, split: 8 });
    expect(persistentLayout(128, portable)).toEqual({ lanes: 256, split: 2 });
    expect(persistentLayout(64, nvidia)).toEqual({ lanes: 1024, split: 16 });
    expect(persistentLayout(512, nvidia)).toEqual({ lanes: 1024, split: 2 });
    expect(persistentLayout(3, nvidia)).toEqual({ lanes: 4, split: 1 });
  });
});

function rowOf(name: string): number {
  const m = /_l(\d+)(_reverse)?$/.exec(name)!;
  return Number(m[1]) * 2 + (m[2] ? 1 : 0);
}

function sumOverBatch(d: Float64Array, row: number, B: number, H: number): Float64Array {
  const out = new Float64Array(H);
  for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) out[j] += d[(row * B + b) * H + j];
  return out;
}

describe('probes', () => {
  it('read one sample\'s hidden states, gates, cell state and ‖∂L/∂h_t‖ as the reference has them', async () => {
    const cfg: RecurrentConfig = { cell: 'lstm', inputSize: 2, hiddenSize: 6, numLayers: 1, bidirectional: false, initialState: 'zeros' };
    const B = 3;
    const T = 7;
    const sample = 2;
    const { values, xb, stack } = await build(cfg, B, T, 5);
    const views = await stack.probeViews(sample, 0);
    await runOps(gpu.device, views.gradNormOps);
    const hidden = (await Promise.all(views.hidden.map((v) => readTensor(gpu.device, v)))).flatMap((a) => Array.from(a));
    const ref = recurrentForward(cfg, values, xb, { batch: B });
    const want = Array.from({ length: T }, (_, t) => Array.from(ref.y.subarray((sample * T + t) * 6, (sample * T + t + 1) * 6))).flat();
    expect(relErr(hidden, want)).toBeLessThan(1e-5);
    const cell = (await Promise.all(views.gates.cell.views.map((v) => readTensor(gpu.device, v)))).flatMap((a) => Array.from(a));
    expect(cell).toHaveLength(T * 6);
    const packed = await readTensor(gpu.device, views.gates.packed.views[0]);
    expect(packed.every((v, i) => (i >= 12 && i < 18 ? v >= -1 && v <= 1 : v >= 0 && v <= 1))).toBe(true);
    expect(Array.from(await readTensor(gpu.device, views.gradNormSumsq)).every((n) => Number.isFinite(n) && n > 0)).toBe(true);
    stack.destroy();

    // ‖∂L/∂h_t‖ by time: with one sequence the batch norm is that sequence's norm, as the reference reports it.
    const one = await build(cfg, 1, T, 6);
    const oneViews = await one.stack.probeViews(0, 0);
    await runOps(gpu.device, oneViews.gradNormOps);
    const norms = Array.from(await readTensor(gpu.device, oneViews.gradNormSumsq), Math.sqrt);
    const g = recurrentBackward(recurrentForward(cfg, one.values, one.xb, { batch: 1 }).cache, { dy: one.dy });
    expect(relErr(norms, g.dhNorm[0][0])).toBeLessThan(1e-5);
    one.stack.destroy();
  });
});
