// The encoder-decoder on the GPU against a float64 composition of the reference RNNs: the encoder
// over the source, the decoder from the encoder's final state, the decoder's ∂L/∂h_0 (and c_0)
// handed back as the cotangent of the encoder's final state. Every cell, one and two layers,
// odd sizes; then the probes across the S + U steps, and a trainer learning to reverse digits.

import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../data';
import { Random, toF32Values } from '../data/random';
import { encodeOps, runOps } from '../gpu/dispatch';
import { useKernelContext } from '../kernels/testing';
import { readTensor } from '../gpu/readback';
import { createTensor, packSlab, Slab, slabLayout, writeTensor } from '../gpu/tensor';
import { relErr } from '../reference/compare';
import { recurrentBackward, recurrentForward } from '../reference/recurrent';
import { defaultOptimizer } from '../train/optimizers';
import { Tape } from '../train/tape';
import { BpttStepper } from '../train/stepThrough';
import { Trainer } from '../train/trainer';
import { defaultChoice, makeBatchSource } from '../data';
import type { ModelSlot, RunConfig } from '../worker/protocol';
import { modelConfig, trainerConfig } from '../worker/runConfig';
import { batchToTime, timeToBatch } from './layout';
import { DECODER_RNN, ENCODER_RNN, initSeq2Seq, seq2seqParameterShapes, seq2seqParts, Seq2SeqModel, type Seq2SeqConfig } from './seq2seq';
import type { RecurrentStack } from './recurrent';
import { minRnnBackward, minRnnForward } from '../reference/minrnn';
import { AUTO_SHAPE } from '../data/shape';

const { gpu, ctx } = useKernelContext();

/** [B, T, W] rows [t0, t0 + n) of every sequence. */
function steps(v: ArrayLike<number>, B: number, T: number, W: number, t0: number, n: number): Float64Array {
  const out = new Float64Array(B * n * W);
  for (let b = 0; b < B; b++) for (let t = 0; t < n; t++) for (let w = 0; w < W; w++) out[(b * n + t) * W + w] = v[(b * T + t0 + t) * W + w];
  return out;
}

function concatSteps(a: Float64Array, b: Float64Array, B: number, S: number, U: number, W: number): Float64Array {
  const out = new Float64Array(B * (S + U) * W);
  for (let i = 0; i < B; i++) {
    out.set(a.subarray(i * S * W, (i + 1) * S * W), i * (S + U) * W);
    out.set(b.subarray(i * U * W, (i + 1) * U * W), (i * (S + U) + S) * W);
  }
  return out;
}

type Part = ReturnType<typeof seq2seqParts>['encoder'];
type Params64 = Record<string, Float64Array>;

/** The float64 encoder-decoder: encoder, decoder from its final state, backward through the bridge, for either kind of stack. */
function composition(parts: { encoder: Part; decoder: Part }, encParams: Params64, decParams: Params64, xb: ArrayLike<number>, dy: ArrayLike<number>, B: number, T: number, I: number, H: number, S: number, U: number) {
  const xEnc = steps(xb, B, T, I, 0, S);
  const xDec = steps(xb, B, T, I, S, U);
  const dyEnc = steps(dy, B, T, H, 0, S);
  const dyDec = steps(dy, B, T, H, S, U);
  if (parts.encoder.min && parts.decoder.min) {
    const enc = minRnnForward(parts.encoder.cfg, encParams, xEnc, { batch: B });
    const dec = minRnnForward(parts.decoder.cfg, decParams, xDec, { batch: B, h0: enc.hN });
    const gDec = minRnnBackward(dec.cache, { dy: dyDec });
    const gEnc = minRnnBackward(enc.cache, { dy: dyEnc, dhN: gDec.dh0 });
    return { enc, dec, gEnc, gDec };
  }
  if (parts.encoder.min || parts.decoder.min) throw new Error('both stacks are of one kind');
  const lstm = parts.encoder.cfg.cell === 'lstm';
  const enc = recurrentForward(parts.encoder.cfg, encParams, xEnc, { batch: B });
  const dec = recurrentForward(parts.decoder.cfg, decParams, xDec, { batch: B, h0: enc.hN, c0: lstm ? enc.cN : undefined });
  const gDec = recurrentBackward(dec.cache, { dy: dyDec });
  const gEnc = recurrentBackward(enc.cache, { dy: dyEnc, dhN: gDec.dh0, dcN: lstm ? gDec.dc0 : undefined });
  return { enc, dec, gEnc, gDec };
}

async function run(cfg: Seq2SeqConfig, B: number, U: number, seed: number) {
  const S = cfg.sourceLength;
  const T = S + U;
  const H = cfg.hiddenSize;
  const I = cfg.inputSize;
  const rng = new Random(seed);
  const values: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(initSeq2Seq(cfg, rng))) values[k] = toF32Values(/[hc]0_/.test(k) ? rng.uniformArray(v.length, -1, 1) : v);
  const layout = slabLayout(seq2seqParameterShapes(cfg), gpu.device.limits.minStorageBufferOffsetAlignment);
  const params = new Slab(gpu.device, 'params', layout);
  const grads = new Slab(gpu.device, 'grads', layout);
  writeTensor(gpu.device, params.all(), packSlab(layout, values));
  const xb = toF32Values(rng.uniformArray(B * T * I, -2, 2)); // [B, T, I]
  const dy = toF32Values(rng.uniformArray(B * T * H, -1, 1)); // [B, T, H]
  const x = createTensor(gpu.device, 'x', [T, B, I], batchToTime(xb, B, T, I));
  const tape = new Tape();
  const model = await Seq2SeqModel.build(ctx, cfg, T, B, { params, grads, prefix: '', x }, tape);
  writeTensor(gpu.device, model.dOut, batchToTime(dy, B, T, H));
  await runOps(gpu.device, [...tape.forwardOps(), ...tape.backwardOps()]);

  // float64: encoder, decoder from its final state, backward through the bridge.
  const parts = seq2seqParts(cfg);
  const pick = (prefix: string) => Object.fromEntries(Object.entries(values).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  const { enc, dec, gEnc, gDec } = composition(parts, pick(ENCODER_RNN), pick(DECODER_RNN), xb, dy, B, T, I, H, S, U);
  const want: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(gEnc.grads)) want[`${ENCODER_RNN}${k}`] = v;
  for (const [k, v] of Object.entries(gDec.grads)) want[`${DECODER_RNN}${k}`] = v;
  return { model, layout, grads, want, out: concatSteps(enc.y, dec.y, B, S, U, H), gEnc, gDec, destroy: () => (model.destroy(), params.destroy(), grads.destroy(), x.buffer.destroy()) };
}

describe('encoder-decoder on the GPU vs a float64 composition', () => {
  const cases: Array<[Seq2SeqConfig, number, number]> = [
    [{ cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 1, initialState: 'zeros', sourceLength: 4 }, 2, 5],
    [{ cell: 'lstm', inputSize: 4, hiddenSize: 3, numLayers: 2, initialState: 'learned', sourceLength: 3 }, 3, 2],
    [{ cell: 'gru', inputSize: 2, hiddenSize: 7, numLayers: 2, initialState: 'zeros', sourceLength: 5 }, 2, 3],
    [{ cell: 'rnn_tanh', inputSize: 3, hiddenSize: 4, numLayers: 1, initialState: 'learned', sourceLength: 1 }, 3, 1],
    [{ cell: 'lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, initialState: 'learned', sourceLength: 4, schedule: 'stepwise' }, 3, 3],
    [{ cell: 'gru', inputSize: 2, hiddenSize: 7, numLayers: 1, initialState: 'zeros', sourceLength: 3, schedule: 'stepwise' }, 2, 4],
    // The minimal RNNs' stacks behind the same bridge (h_n → h_0 forward, ∂L/∂h_0 → ∂L/∂h_n backward).
    [{ cell: 'mingru', inputSize: 3, hiddenSize: 5, numLayers: 1, initialState: 'zeros', sourceLength: 4 }, 2, 5],
    [{ cell: 'minlstm', inputSize: 4, hiddenSize: 7, numLayers: 2, initialState: 'learned', sourceLength: 3 }, 3, 2],
  ];
  for (const [cfg, B, U] of cases) {
    it(`${cfg.cell} ×${cfg.numLayers}, ${cfg.initialState} encoder state: S=${cfg.sourceLength} U=${U} B=${B} H=${cfg.hiddenSize}${cfg.schedule ? `, ${cfg.schedule}` : ''}`, async () => {
      const r = await run(cfg, B, U, 7 + U);
      if (cfg.schedule) expect(r.model.schedule.split(':')[0]).toBe(cfg.schedule);
      const T = cfg.sourceLength + U;
      expect(relErr(timeToBatch(await readTensor(gpu.device, r.model.out), B, T, cfg.hiddenSize), r.out), 'out').toBeLessThanOrEqual(1e-5);
      expect(Object.keys(r.want).filter((n) => !/[hc]0_/.test(n)).sort()).toEqual(r.layout.fields.map((f) => f.name).filter((n) => !/[hc]0_/.test(n)).sort());
      for (const f of r.layout.fields) {
        if (/[hc]0_/.test(f.name)) continue; // learned initial states: below
        expect(relErr(await readTensor(gpu.device, r.grads.tensor(f.name)), r.want[f.name]), f.name).toBeLessThanOrEqual(1e-4);
      }
      if (cfg.initialState === 'learned') {
        // The encoder's h0 gets ∂L/∂h_0 summed over the batch: the decoder's gradient, carried back to the start of the source.
        const H = cfg.hiddenSize;
        for (let l = 0; l < cfg.numLayers; l++) {
          const sum = new Float64Array(H);
          for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) sum[j] += r.gEnc.dh0[(l * B + b) * H + j];
          expect(relErr(await readTensor(gpu.device, r.grads.tensor(`${ENCODER_RNN}h0_l${l}`)), sum), `enc h0_l${l}`).toBeLessThanOrEqual(1e-4);
        }
      }
      r.destroy();
    });
  }

  it('probes run across the source and the target: S + U steps, gradient norms through the bridge', async () => {
    const cfg: Seq2SeqConfig = { cell: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 1, initialState: 'zeros', sourceLength: 4 };
    const r = await run(cfg, 1, 3, 5);
    const views = await r.model.probeViews(0, 0);
    expect(views.T).toBe(7);
    expect(views.hidden).toHaveLength(7);
    expect(Object.keys(views.gates)).toEqual(['packed', 'cell']);
    expect(views.gates.packed.views).toHaveLength(7);
    const commands = gpu.device.createCommandEncoder();
    encodeOps(commands, views.gradNormOps);
    gpu.device.queue.submit([commands.finish()]);
    const norms = Array.from(await readTensor(gpu.device, views.gradNormSumsq), Math.sqrt);
    const { gEnc, gDec } = r;
    if (!('dhNorm' in gEnc) || !('dhNorm' in gDec)) throw new Error('an LSTM has per-step gradient norms');
    expect(relErr(norms, [...gEnc.dhNorm[0][0], ...gDec.dhNorm[0][0]])).toBeLessThan(1e-4);
    const hidden = (await Promise.all(views.hidden.map((t) => readTensor(gpu.device, t)))).flatMap((v) => Array.from(v));
    expect(relErr(hidden, r.out)).toBeLessThan(1e-5);
    r.destroy();
  });

  it('steps through BPTT in the decoder: ∂L/∂h_t as the full backward computes it', async () => {
    const cfg: Seq2SeqConfig = { cell: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2, initialState: 'zeros', sourceLength: 3 };
    const trainer = await Trainer.create(ctx, {
      model: { kind: 'seq2seq', ...cfg },
      inputSize: 3,
      outputSize: 3,
      task: 'many-to-many',
      loss: 'cross_entropy',
      batch: 2,
      seqLen: 7,
      optimizer: defaultOptimizer('sgd', 0),
      clipNorm: 0,
      carryState: false,
      seed: 4,
    });
    const x = Float32Array.from({ length: 2 * 7 * 3 }, (_, i) => Math.cos(i));
    const y = Float32Array.from({ length: 2 * 7 }, (_, i) => (i % 7 < 3 ? -1 : i % 3));
    trainer.setBatch(x, y);
    const stepper = await BpttStepper.begin(trainer, 1);
    const walked: Array<{ t: number; dh: Float32Array }> = [];
    for (let st = await stepper.step(); st; st = await stepper.step()) walked.push(st);
    expect(walked.map((w) => w.t)).toEqual([3, 2, 1, 0]);
    await runOps(gpu.device, [...trainer.tape.forwardOps(), ...trainer.tape.backwardOps()]);
    const model = trainer.encoder as Seq2SeqModel;
    const top = (model.decoder as RecurrentStack).directions.find((d) => d.layer === 1)!;
    const probe = await readTensor(gpu.device, top.dhProbe);
    for (const w of walked) expect(relErr(w.dh, probe.subarray((w.t * 2 + 1) * 4, (w.t * 2 + 2) * 4)), `t=${w.t}`).toBeLessThan(1e-5);
    trainer.destroy();
  });

  it('refuses a window with no room for the target, and a carried state', async () => {
    const cfg: Seq2SeqConfig = { cell: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 1, initialState: 'zeros', sourceLength: 4 };
    const layout = slabLayout(seq2seqParameterShapes(cfg), gpu.device.limits.minStorageBufferOffsetAlignment);
    const params = new Slab(gpu.device, 'p', layout);
    const x = createTensor(gpu.device, 'x', [4, 1, 2]);
    await expect(Seq2SeqModel.build(ctx, cfg, 4, 1, { params, grads: params, prefix: '', x }, new Tape())).rejects.toThrow('4 steps cannot hold a source of 4 steps and at least one target step');
    await expect(Seq2SeqModel.build(ctx, cfg, 6, 1, { params, grads: params, prefix: '', x, h0: x }, new Tape())).rejects.toThrow('no carried state');
    params.destroy();
    x.buffer.destroy();
  });
});

describe('encoder-decoder in the trainer', () => {
  const slot = (kind: ModelSlot['kind']): ModelSlot => ({ id: kind, kind, layers: 1, hidden: 32, dState: 8, expand: 2, bidirectional: false, initialState: 'zeros' });
  const run = (tbptt = 0): RunConfig => ({
    training: { optimizer: 'adam', lr: 0.01, batch: 32, seqLen: 8, tbptt, clip: 1, speed: 0, validateEvery: 0 },
    models: [slot('lstm')],
    data: { ...AUTO_SHAPE, inputColumns: [], targetColumns: [], normalize: 'zscore', validationFraction: 0.2, missing: 'none' },
    seed: 3,
  });

  it('maps a recurrent slot on a seq2seq dataset to an encoder-decoder, and says what does not apply', () => {
    const ds = generateBuiltin('digits', { mode: 'reverse', length: 5, count: 200 }, 1);
    const source = makeBatchSource(ds, defaultChoice(ds), 8);
    expect(source.seq2seq).toEqual({ sourceLength: 5, targetLength: 5 });
    expect(source.seqLen).toBe(10);
    const cfg = modelConfig(slot('gru'), source.inputSize, source);
    expect(cfg).toMatchObject({ kind: 'seq2seq', cell: 'gru', sourceLength: 5, inputSize: 11 });
    expect(modelConfig(slot('minlstm'), source.inputSize, source)).toMatchObject({ kind: 'seq2seq', cell: 'minlstm', sourceLength: 5 });
    expect(modelConfig(slot('mamba'), source.inputSize, source).kind).toBe('mamba');
    expect(() => trainerConfig({ ...slot('lstm'), bidirectional: true }, run(), source, 1)).toThrow('the decoder starts from the encoder');
    expect(() => trainerConfig(slot('lstm'), run(4), source, 1)).toThrow('truncated BPTT does not apply');
    // The batch: source one-hot in rows [0, S), start token then the shifted target in [S, T); targets -1 on the source steps.
    const b = source.train(2, new Random(1));
    const I = source.inputSize;
    for (let i = 0; i < 2; i++) {
      const y = Array.from(b.y.subarray(i * 10, (i + 1) * 10));
      expect(y.slice(0, 5)).toEqual([-1, -1, -1, -1, -1]);
      const argmax = (t: number) => {
        const row = b.x.subarray((i * 10 + t) * I, (i * 10 + t + 1) * I);
        return row.indexOf(1);
      };
      expect(argmax(5)).toBe(10); // <start>
      for (let t = 6; t < 10; t++) expect(argmax(t)).toBe(y[t - 1]); // teacher forcing: the previous target
      const src = [0, 1, 2, 3, 4].map(argmax);
      expect(y.slice(5)).toEqual(src.slice().reverse());
    }
  });

  it('learns to reverse digits in 100 steps: the loss falls well below chance, most digits right', async () => {
    const ds = generateBuiltin('digits', { mode: 'reverse', length: 5, count: 2000 }, 1);
    const source = makeBatchSource(ds, defaultChoice(ds), 8);
    const cfg = trainerConfig(slot('lstm'), run(), source, 3);
    const trainer = await Trainer.create(ctx, { ...cfg, optimizer: { ...defaultOptimizer('adam'), lr: 0.02 } });
    const val = source.validation(32)!;
    const before = (await trainer.evaluate(val.x, val.y)).loss;
    const rng = new Random(2);
    for (let s = 0; s < 100; s++) {
      const b = source.train(32, rng);
      trainer.setBatch(b.x, b.y);
      trainer.step();
    }
    const after = await trainer.evaluate(val.x, val.y);
    expect(before).toBeGreaterThan(2); // ln 10 = 2.30: chance over 10 digits
    expect(after.loss).toBeLessThan(before / 3); // 2.30 -> 0.47 in this run
    // Teacher-forced predictions on the target steps: most digits right.
    let right = 0;
    let counted = 0;
    for (let r = 0; r < val.y.length; r++) {
      if (val.y[r] < 0) continue;
      // pred rows are time-major (t, b); val.y is batch-first (b, t).
      const b = Math.floor(r / 10);
      const t = r % 10;
      const row = after.pred.subarray((t * 32 + b) * 10, (t * 32 + b + 1) * 10);
      right += row.indexOf(Math.max(...row)) === val.y[r] ? 1 : 0;
      counted++;
    }
    expect(right / counted).toBeGreaterThan(0.7);
    trainer.destroy();
  }, 240_000);
});
