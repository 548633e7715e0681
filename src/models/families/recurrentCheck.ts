// The recurrent family's fixtures (rnn_tanh, lstm, gru, train_<cell>) through the WGSL kernels:
// forward and BPTT of the stack against PyTorch's outputs and gradients, and the training replay.

import { runOps } from '../../gpu/dispatch';
import { readTensor } from '../../gpu/readback';
import { createTensor, writeTensor } from '../../gpu/tensor';
import type { KernelContext } from '../../kernels/registry';
import type { RecurrentSchedule } from '../../kernels/recurrent';
import { relErr } from '../../reference/compare';
import type { Fixture } from '../../reference/fixtureFormat';
import { recurrentSetup, trainSetup } from '../../reference/recurrentFixtures';
import { checkTraining, summarise, type CheckOptions, type CheckResult, type Measure } from '../../train/checkFixture';
import { Tape } from '../../train/tape';
import type { ModelConfig } from '..';
import { batchToTime, timeToBatch } from '../layout';
import { RecurrentStack } from '../recurrent';
import { recurrentParameterShapes } from '../recurrentParams';
import { fixtureParamSlabs, need } from './fixtureSlabs';

export async function checkRecurrentFixture(ctx: KernelContext, fx: Fixture, options: CheckOptions): Promise<CheckResult> {
  if (!fx.kind.startsWith('train_')) return checkRecurrent(ctx, fx, options.schedule);
  const setup = trainSetup(fx);
  const model: ModelConfig = { kind: 'recurrent', ...setup.config, initialState: 'zeros', schedule: options.schedule };
  return checkTraining(ctx, fx, model, { ...setup, inputSize: setup.config.inputSize });
}

async function checkRecurrent(ctx: KernelContext, fx: Fixture, schedule?: RecurrentSchedule): Promise<CheckResult> {
  const { device } = ctx;
  const { config, batch: B, steps: T } = recurrentSetup(fx);
  const cfg = { ...config, initialState: 'zeros' as const, schedule };
  const D = cfg.bidirectional ? 2 : 1;
  const L = cfg.numLayers;
  const H = cfg.hiddenSize;
  const I = cfg.inputSize;
  const { layout, params, grads } = fixtureParamSlabs(device, fx, recurrentParameterShapes(cfg));
  try {
    const state = (t: { data: Float64Array } | undefined, label: string) => (t ? createTensor(device, label, [L * D, B, H], t.data) : undefined);
    const x = createTensor(device, 'x', [T, B, I], batchToTime(need(fx, fx.inputs, 'inputs', 'x').data, B, T, I));
    const dx = createTensor(device, 'dx', [T, B, I]);
    const tape = new Tape();
    const stack = await RecurrentStack.build(
      ctx,
      cfg,
      T,
      B,
      { params, grads, prefix: '', x, dx, h0: state(fx.inputs.h0, 'h0'), c0: state(fx.inputs.c0, 'c0'), dhN: state(fx.cotangents.h_n, 'dh_n'), dcN: state(fx.cotangents.c_n, 'dc_n') },
      tape,
    );
    const dy = fx.cotangents.y ? batchToTime(fx.cotangents.y.data, B, T, D * H) : new Float32Array(T * B * D * H);
    writeTensor(device, stack.dOut, dy);
    await runOps(device, [...tape.forwardOps(), ...tape.backwardOps()]);

    const tol = T >= 200 ? 5e-4 : 1e-4;
    const measures: Measure[] = [];
    const measure = (tensor: string, got: ArrayLike<number>, want: { data: Float64Array } | undefined) => {
      if (want) measures.push({ tensor, err: relErr(got, want.data), tol });
    };
    measure('y', timeToBatch(await readTensor(device, stack.out), B, T, D * H), fx.outputs.y);
    measure('h_n', await readTensor(device, stack.hN), fx.outputs.h_n);
    if (stack.cN) measure('c_n', await readTensor(device, stack.cN), fx.outputs.c_n);
    measure('grad x', timeToBatch(await readTensor(device, dx), B, T, I), fx.grads.x);
    measure('grad h0', await readTensor(device, stack.dh0), fx.grads.h0);
    if (stack.dc0) measure('grad c0', await readTensor(device, stack.dc0), fx.grads.c0);
    for (const f of layout.fields) measure(`grad ${f.name}`, await readTensor(device, grads.tensor(f.name)), fx.grads[f.name]);
    stack.destroy();
    for (const t of [x, dx]) t.buffer.destroy();
    return summarise(fx.name, measures);
  } finally {
    params.destroy();
    grads.destroy();
  }
}

