// The Mamba family's fixtures (selective_scan, mamba_block, train_mamba) through the WGSL kernels.

import { runOps } from '../../gpu/dispatch';
import { readTensor } from '../../gpu/readback';
import { createTensor } from '../../gpu/tensor';
import type { KernelContext } from '../../kernels/registry';
import { selectiveScanOps } from '../../kernels/scan';
import { relErr } from '../../reference/compare';
import { configInt, FixtureError, trainRunSizes, type Fixture, type FixtureTensor } from '../../reference/fixtureFormat';
import { checkTraining, summarise, type CheckResult, type Measure, type TrainShape } from '../../train/checkFixture';
import type { ModelConfig } from '..';
import { batchToTime, timeToBatch } from '../layout';
import { MambaBlock } from '../mamba';
import { mambaDims, mambaParameterShapes, type MambaConfig, type MambaModelConfig } from '../mambaParams';
import { fixtureParamSlabs, need } from './fixtureSlabs';

export async function checkMambaFixture(ctx: KernelContext, fx: Fixture): Promise<CheckResult> {
  if (fx.kind === 'selective_scan') return checkScan(ctx, fx);
  if (fx.kind === 'mamba_block') return checkMambaBlock(ctx, fx);
  return checkTraining(ctx, fx, ...mambaTrainSetup(fx));
}

/** Sizes of a Mamba block read off its parameters (`prefix` + state_dict names), checked against every shape. */
function mambaConfigFromParams(fx: Fixture, prefix: string): MambaConfig {
  const shape = (name: string) => need(fx, fx.params, 'params', `${prefix}${name}`).shape;
  const [E, N] = shape('A_log');
  const [twoE, M] = shape('in_proj.weight');
  const K = shape('conv1d.weight')[2];
  const R = shape('x_proj.weight')[0] - 2 * N;
  if (!(E > 0 && N > 0 && M > 0 && K > 0 && R > 0) || twoE !== 2 * E || E % M !== 0) {
    throw new FixtureError(`${fx.file}: params.${prefix}*: shapes do not make a Mamba block (A_log [${shape('A_log')}], in_proj.weight [${shape('in_proj.weight')}])`);
  }
  const cfg: MambaConfig = { dModel: M, dState: N, dConv: K, expand: E / M, dtRank: R };
  for (const [name, want] of mambaParameterShapes(cfg)) {
    const got = shape(name);
    if (got.join(',') !== want.join(',')) throw new FixtureError(`${fx.file}: params.${prefix}${name}: shape [${got}], expected [${want}] for d_model ${M}, d_inner ${E}, d_state ${N}, d_conv ${K}, dt_rank ${R}`);
  }
  return cfg;
}

/** The encoder of a train_mamba fixture: embed → mamba (one block), or layers.{k} (stacked). */
function mambaTrainSetup(fx: Fixture): [ModelConfig, TrainShape] {
  const layers = Object.keys(fx.params).filter((k) => /^encoder\.layers\.\d+\.mixer\.A_log$/.test(k)).length;
  const numLayers = layers > 0 ? layers : 1;
  const block = mambaConfigFromParams(fx, numLayers === 1 ? 'encoder.mamba.' : 'encoder.layers.0.mixer.');
  const inputSize = configInt(fx, 'input_size');
  const hidden = configInt(fx, 'hidden_size', block.dModel);
  if (hidden !== block.dModel) throw new FixtureError(`${fx.file}: config.hidden_size ${hidden}, the Mamba block's d_model is ${block.dModel}`);
  const model: MambaModelConfig = { inputSize, numLayers, ...block, dtRank: mambaDims(block).dtRank };
  const shape: TrainShape = { inputSize, ...trainRunSizes(fx) };
  return [{ kind: 'mamba', ...model }, shape];
}

function tolerance(steps: number): number {
  return steps >= 200 ? 5e-4 : 1e-4;
}

/** selective_scan: the fixture's layout is the scan's default ([batch, channels, L]). */
async function checkScan(ctx: KernelContext, fx: Fixture): Promise<CheckResult> {
  const { device } = ctx;
  const batch = configInt(fx, 'batch');
  const E = configInt(fx, 'd_inner');
  const N = configInt(fx, 'd_state');
  const L = configInt(fx, 'seq_len');
  const shape = { batch, dInner: E, dState: N, seqLen: L, deltaSoftplus: fx.config.delta_softplus !== false };
  const input = (name: string, size: number) => {
    const t = need(fx, fx.inputs, 'inputs', name);
    if (t.data.length !== size) throw new FixtureError(`${fx.file}: inputs.${name}: ${t.data.length} values, expected ${size} from config`);
    return createTensor(device, name, [size], t.data);
  };
  const seq = batch * E * L;
  const states = batch * E * N;
  const io = {
    u: input('u', seq),
    delta: input('delta', seq),
    z: input('z', seq),
    A: input('A', E * N),
    B: input('B', batch * N * L),
    C: input('C', batch * N * L),
    D: input('D', E),
    deltaBias: input('delta_bias', E),
    y: createTensor(device, 'y', [seq]),
    lastState: createTensor(device, 'last_state', [states]),
  };
  const cot = (name: string, size: number) => createTensor(device, `d ${name}`, [size], fx.cotangents[name]?.data ?? new Float64Array(size));
  const grads = {
    dy: cot('y', seq),
    dLastState: cot('last_state', states),
    du: createTensor(device, 'du', [seq]),
    ddelta: createTensor(device, 'ddelta', [seq]),
    dz: createTensor(device, 'dz', [seq]),
    dA: createTensor(device, 'dA', [E * N]),
    dB: createTensor(device, 'dB', [batch * N * L]),
    dC: createTensor(device, 'dC', [batch * N * L]),
    dD: createTensor(device, 'dD', [E]),
    dDeltaBias: createTensor(device, 'dDeltaBias', [E]),
  };
  const ops = await selectiveScanOps(ctx, shape, io, grads);
  try {
    await runOps(device, [...ops.forward, ...ops.backward]);
    const tol = tolerance(L);
    const measures: Measure[] = [];
    const measure = async (tensor: string, got: typeof io.y, want: FixtureTensor | undefined) => {
      if (want) measures.push({ tensor, err: relErr(await readTensor(device, got), want.data), tol });
    };
    await measure('y', io.y, fx.outputs.y);
    await measure('last_state', io.lastState, fx.outputs.last_state);
    const byName = { u: grads.du, delta: grads.ddelta, z: grads.dz, A: grads.dA, B: grads.dB, C: grads.dC, D: grads.dD, delta_bias: grads.dDeltaBias };
    for (const [name, t] of Object.entries(byName)) await measure(`grad ${name}`, t, fx.grads[name]);
    return summarise(fx.name, measures);
  } finally {
    ops.destroy();
    for (const t of [...Object.values(io), ...Object.values(grads)]) t.buffer.destroy();
  }
}

/** mamba_block: the block alone, parameters under its own names; loss sum(y·cot.y). */
async function checkMambaBlock(ctx: KernelContext, fx: Fixture): Promise<CheckResult> {
  const { device } = ctx;
  const cfg = mambaConfigFromParams(fx, '');
  const dims = mambaDims(cfg);
  const B = configInt(fx, 'batch');
  const T = configInt(fx, 'seq_len');
  const M = dims.dModel;
  const x = need(fx, fx.inputs, 'inputs', 'x');
  if (x.data.length !== B * T * M) throw new FixtureError(`${fx.file}: inputs.x: shape [${x.shape}], expected [${B},${T},${M}]`);
  const { layout, params, grads } = fixtureParamSlabs(device, fx, mambaParameterShapes(cfg));
  const owned = [
    createTensor(device, 'x', [T, B, M], batchToTime(x.data, B, T, M)),
    createTensor(device, 'dx', [T, B, M]),
    createTensor(device, 'y', [T, B, M]),
    createTensor(device, 'dy', [T, B, M], batchToTime(fx.cotangents.y?.data ?? new Float64Array(B * T * M), B, T, M)),
  ];
  const [xT, dx, y, dy] = owned;
  let block: MambaBlock | null = null;
  try {
    block = await MambaBlock.build(ctx, dims, T, B, { params, grads, prefix: '', x: xT, dx, out: y, dOut: dy });
    await runOps(device, [...block.forward, ...block.backward]);
    const tol = tolerance(T);
    const measures: Measure[] = [];
    const measure = (tensor: string, got: ArrayLike<number>, want: FixtureTensor | undefined) => {
      if (want) measures.push({ tensor, err: relErr(got, want.data), tol });
    };
    measure('y', timeToBatch(await readTensor(device, y), B, T, M), fx.outputs.y);
    measure('grad x', timeToBatch(await readTensor(device, dx), B, T, M), fx.grads.x);
    for (const f of layout.fields) measure(`grad ${f.name}`, await readTensor(device, grads.tensor(f.name)), fx.grads[f.name]);
    return summarise(fx.name, measures);
  } finally {
    block?.destroy();
    for (const t of owned) t.buffer.destroy();
    params.destroy();
    grads.destroy();
  }
}
