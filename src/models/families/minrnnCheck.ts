// The minGRU / minLSTM fixtures (mingru, minlstm, train_mingru, train_minlstm) through the WGSL
// kernels: forward and backward of the stack against PyTorch's outputs and gradients, and the
// training replay.

import { runOps } from '../../gpu/dispatch';
import { readTensor } from '../../gpu/readback';
import { createTensor, writeTensor } from '../../gpu/tensor';
import type { KernelContext } from '../../kernels/registry';
import type { ScanAlgorithm } from '../../kernels/scan';
import { relErr } from '../../reference/compare';
import type { Fixture } from '../../reference/fixtureFormat';
import { minRnnParameterShapes } from '../minrnnParams';
import { minRnnSetup, minRnnTrainSetup } from '../../reference/minrnnFixtures';
import { checkTraining, summarise, type CheckResult, type Measure } from '../../train/checkFixture';
import { Tape } from '../../train/tape';
import { batchToTime, timeToBatch } from '../layout';
import { MinRnnStack } from '../minrnn';
import { fixtureParamSlabs, need } from './fixtureSlabs';

/** `scan` picks the linear scan's algorithm (default: the parallel one training uses). */
export async function checkMinRnnFixture(ctx: KernelContext, fx: Fixture, scan?: ScanAlgorithm): Promise<CheckResult> {
  if (fx.kind.startsWith('train_')) {
    const setup = minRnnTrainSetup(fx);
    return checkTraining(ctx, fx, { kind: 'minrnn', ...setup.config, initialState: 'zeros', scan }, { ...setup, inputSize: setup.config.inputSize });
  }
  const { device } = ctx;
  const { config, batch: B, steps: T } = minRnnSetup(fx);
  const cfg = { ...config, initialState: 'zeros' as const, scan };
  const { numLayers: L, hiddenSize: H, inputSize: I } = cfg;
  const xData = need(fx, fx.inputs, 'inputs', 'x').data;
  const { layout, params, grads } = fixtureParamSlabs(device, fx, minRnnParameterShapes(cfg));
  const owned = [
    createTensor(device, 'x', [T, B, I], batchToTime(xData, B, T, I)),
    createTensor(device, 'dx', [T, B, I]),
    createTensor(device, 'h0', [L, B, H], fx.inputs.h0?.data ?? new Float64Array(L * B * H)),
    createTensor(device, 'dh_n', [L, B, H], fx.cotangents.h_n?.data ?? new Float64Array(L * B * H)),
  ];
  const [x, dx, h0, dhN] = owned;
  let stack: MinRnnStack | null = null;
  try {
    const tape = new Tape();
    stack = await MinRnnStack.build(ctx, cfg, T, B, { params, grads, prefix: '', x, dx, h0, dhN }, tape);
    writeTensor(device, stack.dOut, fx.cotangents.y ? batchToTime(fx.cotangents.y.data, B, T, H) : new Float32Array(T * B * H));
    await runOps(device, [...tape.forwardOps(), ...tape.backwardOps()]);

    const tol = T >= 200 ? 5e-4 : 1e-4;
    const measures: Measure[] = [];
    const measure = (tensor: string, got: ArrayLike<number>, want: { data: Float64Array } | undefined) => {
      if (want) measures.push({ tensor, err: relErr(got, want.data), tol });
    };
    measure('y', timeToBatch(await readTensor(device, stack.out), B, T, H), fx.outputs.y);
    measure('h_n', await readTensor(device, stack.hN), fx.outputs.h_n);
    measure('grad x', timeToBatch(await readTensor(device, dx), B, T, I), fx.grads.x);
    measure('grad h0', await readTensor(device, stack.dh0), fx.grads.h0);
    for (const f of layout.fields) measure(`grad ${f.name}`, await readTensor(device, grads.tensor(f.name)), fx.grads[f.name]);
    return summarise(fx.name, measures);
  } finally {
    stack?.destroy();
    for (const t of owned) t.buffer.destroy();
    params.destroy();
    grads.destroy();
  }
}
