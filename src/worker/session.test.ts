// The worker's training session end to end in Node (Dawn): built-in data → batches → models →
// steps, validation and probes as messages, without a browser.

import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../data';
import { nodeGpu } from '../gpu/node';
import { useKernelContext } from '../kernels/testing';
import { kernelContext } from '../kernels/registry';
import { defaultChoice } from '../data';
import type { FromWorker, WeightsContents } from './protocol';
import { decodeScores } from '../train/decodeScores';
import { Session } from './session';
import { run, slot } from './testing';

const { gpu, ctx } = useKernelContext();
// For the tests about the session's training rather than WebGPU: the CPU backend in every pass.
const onCpu = useKernelContext('cpu');

function collect() {
  const messages: FromWorker[] = [];
  return { messages, send: (m: FromWorker) => messages.push(m) };
}

describe('training session', () => {
  it('an LSTM on the noisy sines: validation loss falls tenfold, with probes on the way', async () => {
    const { messages, send } = collect();
    const session = new Session(onCpu.ctx, send);
    session.setDataset(generateBuiltin('sine-mix', { length: 1200 }, 1));
    await session.configure(run([slot('lstm', 'lstm')]));
    expect(messages.find((m) => m.type === 'configured')).toBeTruthy();
    for (let k = 0; k < 200; k++) await session.stepOnce();
    const val = messages.flatMap((m) => (m.type === 'validation' ? [m.loss] : []));
    expect(val.length).toBeGreaterThan(10);
    expect(Math.min(...val.slice(-5))).toBeLessThan(val[0] / 10);
    const probe = messages.findLast((m) => m.type === 'probe');
    expect(probe && probe.type === 'probe' && probe.probe.gates.forget.length).toBe(24 * 16);
    const steps = messages.flatMap((m) => (m.type === 'steps' ? m.reports : []));
    expect(steps.at(-1)!.step).toBe(200);
    session.destroy();
  }, 300_000);

  it('pauses by itself at the step "Pause at step" names, validated there, and when validation stalls', async () => {
    const { messages, send } = collect();
    const session = new Session(onCpu.ctx, send);
    session.setDataset(generateBuiltin('sine-mix', { length: 600 }, 1));
    // Validation every 4 steps, so the stop at 7 falls between two: the worker validates at 7 itself.
    await session.configure(run([slot('a', 'gru', { hidden: 6 }), slot('b', 'rnn_tanh', { hidden: 5 })], { validateEvery: 4, pauseAt: 7 }));
    const playUntilPaused = async () => {
      expect(session.play()).toBe(true);
      for (let k = 0; k < 500 && session.isRunning; k++) await session.tick();
      expect(session.isRunning).toBe(false);
    };
    await playUntilPaused();
    const stepsOf = (id: string) => messages.flatMap((m) => (m.type === 'steps' && m.modelId === id ? m.reports.map((r) => r.step) : []));
    expect(stepsOf('a').at(-1)).toBe(7);
    expect(stepsOf('b').at(-1)).toBe(7);
    for (const id of ['a', 'b']) expect(messages.findLast((m) => m.type === 'validation' && m.modelId === id)).toMatchObject({ step: 7 });
    const paused = messages.findLast((m) => m.type === 'running');
    expect(paused).toEqual({ type: 'running', running: false, reason: 'paused at step 7, as "Pause at step" asks' });
    // Played again, past the step it stopped at: it goes on (until told to pause).
    expect(session.play()).toBe(true);
    await session.tick();
    expect(session.isRunning).toBe(true);
    await session.pause();
    expect(stepsOf('a').at(-1)).toBe(8);

    // Learning rate 0: the validation loss never improves, so three evaluations after the best
    // (the first, of the untrained model, ties every later one) the run pauses: at step 12.
    messages.length = 0;
    await session.configure(run([slot('a', 'gru', { hidden: 6 })], { validateEvery: 4, lr: 1e-12, optimizer: 'sgd', patience: 3 }));
    await playUntilPaused();
    expect(stepsOf('a').at(-1)).toBe(12);
    expect(messages.findLast((m) => m.type === 'running')).toMatchObject({ running: false, reason: 'paused at step 12: no validation loss has improved for 3 evaluations' });
    session.destroy();
  }, 120_000);

  it('Reset and loaded weights rebuild the run on its own data, not on a newer load whose run was refused', async () => {
    const { send } = collect();
    const session = new Session(onCpu.ctx, send);
    const own = generateBuiltin('sine-mix', { length: 300 }, 1);
    session.setDataset(own);
    await session.configure(run([slot('a', 'gru', { hidden: 6 })], {}, defaultChoice(own)));
    await session.stepOnce();
    // A newer file loads, and its configuration is refused (Mamba has no truncated BPTT): the run stays on its own data.
    const newer = generateBuiltin('sine-mix', { length: 500 }, 2);
    session.setDataset(newer);
    await expect(session.configure(run([slot('a', 'mamba')], { tbptt: 3 }, defaultChoice(newer)))).rejects.toThrow();
    expect(session.runDataset).toBe(own);
    await session.reset();
    expect(session.runDataset).toBe(own);
    const weights = await session.requests.exportWeights('a', 'a', 'safetensors');
    if (weights.format !== 'safetensors') throw new Error('asked for safetensors');
    await session.loadWeights('a', 'a.safetensors', weights.bytes);
    expect(session.runDataset).toBe(own);
    session.destroy();
  }, 120_000);

  it('trains LSTM, GRU and tanh RNN side by side on the same batches', async () => {
    const { messages, send } = collect();
    const session = new Session(ctx, send);
    session.setDataset(generateBuiltin('adding', { length: 12, count: 256 }, 2));
    await session.configure(run([slot('a', 'lstm'), slot('b', 'gru'), slot('c', 'rnn_tanh')], { seqLen: 12 }));
    const configured = messages.find((m) => m.type === 'configured');
    expect(configured?.type === 'configured' && configured.models.map((m) => m.schedule.split(':')[0])).toEqual(['persistent', 'persistent', 'persistent']);
    for (let k = 0; k < 3; k++) await session.stepOnce();
    for (const id of ['a', 'b', 'c']) {
      const reports = messages.flatMap((m) => (m.type === 'steps' && m.modelId === id ? m.reports : []));
      expect(reports.map((r) => r.step)).toEqual([1, 2, 3]);
      expect(reports.every((r) => Number.isFinite(r.loss))).toBe(true);
    }
    session.destroy();
  }, 120_000);

  it('truncated BPTT carries state across chunks; bad runs are refused and the old one kept', async () => {
    const { messages, send } = collect();
    const session = new Session(ctx, send);
    session.setDataset(generateBuiltin('sine-mix', { length: 600 }, 1));
    await session.configure(run([slot('g', 'gru')], { seqLen: 24, tbptt: 8 }));
    await session.stepOnce();
    // Three chunks of 8 steps make three optimizer steps per window.
    const reports = messages.flatMap((m) => (m.type === 'steps' ? m.reports : []));
    expect(reports.map((r) => r.step)).toEqual([1, 2, 3]);
    await expect(session.configure(run([slot('g', 'gru', { initialState: 'learned' })], { seqLen: 24, tbptt: 8 }))).rejects.toThrow(/learned initial state/);
    await expect(session.configure(run([slot('m', 'lstm')], {}, { ...defaultChoice(generateBuiltin('sine-mix', { length: 600 }, 1)), inputColumns: ['nope'] }))).rejects.toThrow(/at least one numeric input column/);
    await session.stepOnce();
    expect(messages.flatMap((m) => (m.type === 'steps' ? m.reports : [])).at(-1)!.step).toBe(6);
    session.destroy();
  }, 120_000);

  it('survives a lost GPU device: data, run, parameters and optimizer state carry over to a new device', async () => {
    const { messages, send } = collect();
    const other = await nodeGpu();
    const session = new Session(kernelContext(other.device), send);
    session.setDataset(generateBuiltin('sine-mix', { length: 600 }, 1));
    await session.configure(run([slot('l', 'lstm', { hidden: 8 })]));
    for (let k = 0; k < 5; k++) await session.stepOnce();
    await session.snapshot();
    const before = session.exportState();
    expect(before.resume?.models.map((m) => m.optimizer.steps)).toEqual([5]);
    // What the run would have done on the old device: three more steps.
    const lossesFrom = (from: number) => messages.flatMap((m) => (m.type === 'steps' && m.modelId === 'l' ? m.reports : [])).slice(from).map((r) => [r.step, r.loss]);
    const mark = lossesFrom(0).length;
    for (let k = 0; k < 3; k++) await session.stepOnce();
    const straight = lossesFrom(mark);
    other.device.destroy();
    session.halt();

    const restored = new Session(ctx, send);
    const markRestored = lossesFrom(0).length;
    await restored.restore(before);
    await restored.snapshot();
    const after = restored.exportState();
    const a = before.snapshots.get('l')!;
    const b = after.snapshots.get('l')!;
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) expect(Array.from(b[k]), k).toEqual(Array.from(a[k]));
    // Adam's moments and step count came back, not zeros at step 0.
    const [m0, m1] = [before.resume!.models[0].optimizer, after.resume!.models[0].optimizer];
    expect(m1.steps).toBe(5);
    m0.slabs.forEach((slab, i) => expect(Array.from(m1.slabs[i]), `slab ${i}`).toEqual(Array.from(slab)));
    expect(m0.slabs[1].some((v) => v > 0)).toBe(true);
    // Training continues from there: the same steps 6-8, with the same losses, as without the loss.
    const replayed = lossesFrom(markRestored).length;
    expect(lossesFrom(markRestored).map(([s]) => s)).toEqual([1, 2, 3, 4, 5].slice(0, replayed));
    for (let k = 0; k < 3; k++) await restored.stepOnce();
    expect(lossesFrom(markRestored + replayed)).toEqual(straight);
    expect(messages.filter((m) => m.type === 'configured')).toHaveLength(2);
    restored.destroy();
  }, 120_000);

  it("a table's probe is in the data's units, with the table row of its first target", async () => {
    const { messages, send } = collect();
    const session = new Session(ctx, send);
    const data = generateBuiltin('sine-mix', { length: 400 }, 1);
    const values = data.kind === 'table' ? Array.from(data.columns[0].values) : [];
    session.setDataset(data);
    await session.configure(run([slot('g', 'gru', { hidden: 8 })], { seqLen: 16 }));
    await session.stepOnce();
    await session.setProbe(3, 0);
    const probe = messages.findLast((m) => m.type === 'probe');
    if (probe?.type !== 'probe') throw new Error('no probe');
    const { firstRow, target, prediction } = probe.probe;
    expect(firstRow).not.toBeNull();
    expect(Array.from(target)).toEqual(values.slice(firstRow!, firstRow! + 16).map((v) => expect.closeTo(v, 3)));
    expect(prediction).toHaveLength(16);
    session.destroy();
    // Not a table: no rows, values as the model sees them.
    const other = new Session(ctx, send);
    other.setDataset(generateBuiltin('adding', { length: 12, count: 64 }, 2));
    await other.configure(run([slot('a', 'gru', { hidden: 8 })], { seqLen: 12 }));
    await other.stepOnce();
    const plain = messages.findLast((m) => m.type === 'probe');
    expect(plain?.type === 'probe' && plain.probe.firstRow).toBeNull();
    other.destroy();
  }, 120_000);

  it('decodes a sequence-to-sequence validation batch with and without teacher forcing, every model', async () => {
    const { messages, send } = collect();
    const session = new Session(ctx, send);
    const data = generateBuiltin('digits', { mode: 'reverse', length: 4, count: 300 }, 1);
    session.setDataset(data);
    await session.configure(run([slot('e', 'gru', { hidden: 8 }), slot('m', 'mamba', { hidden: 8 })], { batch: 8, seqLen: 8 }, defaultChoice(data)));
    // The card's line on how the GPU runs each model: the encoder-decoder's recurrence, Mamba's scan.
    const configured = messages.find((m) => m.type === 'configured');
    if (configured?.type !== 'configured') throw new Error('not configured');
    expect(configured.models[0].schedule).toMatch(/^persistent: one workgroup per sequence/);
    const combine = gpu.device.features.has('subgroups') ? 'by subgroup shuffles' : 'in workgroup memory';
    expect(configured.models[1].schedule).toMatch(new RegExp(`^parallel scan: 1 chunk of \\d+ threads × \\d+ steps, runs combined ${combine}$`));
    for (let k = 0; k < 2; k++) await session.stepOnce();
    await session.requests.decode();
    const decoded = messages.flatMap((m) => (m.type === 'decode' ? [m] : []));
    expect(decoded.map((d) => d.modelId)).toEqual(['e', 'm']);
    for (const d of decoded) {
      expect(d.step).toBe(2);
      expect(d.samples).toBe(6);
      expect(d.targetLength).toBe(4);
      for (const a of [d.target, d.forced, d.free]) expect(a).toHaveLength(24);
      expect(Array.from(d.target).every((id) => id >= 0 && id < 10)).toBe(true);
      // The first target step reads the start token either way.
      for (let b = 0; b < 6; b++) expect(d.free[b * 4]).toBe(d.forced[b * 4]);
      for (const v of Object.values(d.scores)) expect(v).toBeGreaterThanOrEqual(0);
    }
    await expect(
      (async () => {
        session.setDataset(generateBuiltin('sine-mix', { length: 1200 }, 1));
        await session.configure(run([slot('l', 'lstm', { hidden: 8 })]));
        await session.requests.decode();
      })(),
    ).rejects.toThrow(/needs a sequence-to-sequence task/);
    session.destroy();
  }, 120_000);
});

/** A weights file's bytes, as the page reads them from disk. */
const bytesOf = (w: WeightsContents): ArrayBuffer => (w.format === 'json' ? (new TextEncoder().encode(w.text).buffer as ArrayBuffer) : w.bytes);

describe('weights files through the session', () => {
  it('a downloaded file loads back into another session; a file that does not fit changes nothing', async () => {
    const data = generateBuiltin('sine-mix', { length: 600 }, 1);
    const trained = new Session(ctx, () => {});
    trained.setDataset(data);
    const cfg = run([slot('a', 'gru', { hidden: 8 }), slot('b', 'lstm', { hidden: 6 })], { seqLen: 16 });
    await trained.configure(cfg);
    for (let k = 0; k < 3; k++) await trained.stepOnce();
    const gruFile = await trained.requests.exportWeights('a', 'GRU 8', 'json');
    expect(gruFile.step).toBe(3);
    await trained.snapshot();
    const want = trained.exportState().snapshots.get('a')!;

    const { messages, send } = collect();
    const fresh = new Session(ctx, send);
    fresh.setDataset(data);
    await fresh.configure(cfg);
    await fresh.stepOnce();
    await fresh.snapshot();
    const before = fresh.exportState().snapshots;
    // An LSTM's file into the GRU slot: refused, nothing changes (no new configuration, weights as they were).
    const lstmFile = await trained.requests.exportWeights('b', 'LSTM 6', 'json');
    await expect(fresh.loadWeights('a', 'lstm.json', bytesOf(lstmFile))).rejects.toThrow(
      'lstm.json: params["encoder.weight_hh_l0"]: shape [24, 6], this model\'s is [24, 8] (it holds LSTM (hidden 6, 1 layer(s)), this model is GRU (hidden 8, 1 layer(s))).',
    );
    expect(messages.filter((m) => m.type === 'configured')).toHaveLength(1);
    await fresh.loadWeights('a', 'gru.json', bytesOf(gruFile));
    expect(messages.filter((m) => m.type === 'configured')).toHaveLength(2);
    await fresh.snapshot();
    const got = fresh.exportState().snapshots;
    for (const [name, v] of Object.entries(want)) expect(Array.from(got.get('a')![name]), name).toEqual(Array.from(v));
    // The other model keeps the weights it had.
    for (const [name, v] of Object.entries(before.get('b')!)) expect(Array.from(got.get('b')![name]), name).toEqual(Array.from(v));
    // Training goes on from the loaded weights, from step 0.
    await fresh.stepOnce();
    expect(messages.flatMap((m) => (m.type === 'steps' && m.modelId === 'a' ? m.reports : [])).at(-1)!.step).toBe(1);
    trained.destroy();
    fresh.destroy();
  }, 120_000);

  it('a trained model saved as safetensors loads into a fresh run of the same configuration, every parameter equal', async () => {
    const data = generateBuiltin('sine-mix', { length: 600 }, 1);
    const cfg = run([slot('a', 'lstm', { hidden: 7, layers: 2, bidirectional: true }), slot('b', 'mamba', { hidden: 5, dState: 3 })], { seqLen: 12 });
    const trained = new Session(ctx, () => {});
    trained.setDataset(data);
    await trained.configure(cfg);
    for (let k = 0; k < 4; k++) await trained.stepOnce();
    await trained.snapshot();
    const want = trained.exportState().snapshots;

    const { messages, send } = collect();
    const fresh = new Session(ctx, send);
    fresh.setDataset(data);
    await fresh.configure({ ...cfg, seed: 9 });
    // Mamba's file into the LSTM: refused, naming a parameter the LSTM lacks; nothing changes.
    const mamba = await trained.requests.exportWeights('b', 'Mamba 5', 'safetensors');
    await expect(fresh.loadWeights('a', 'mamba.safetensors', bytesOf(mamba))).rejects.toThrow(/^mamba\.safetensors: missing encoder\.weight_ih_l0, .*\(it holds Mamba .*, this model is LSTM \(hidden 7, 2 layer\(s\), bidirectional\)\)\.$/);
    expect(messages.filter((m) => m.type === 'configured')).toHaveLength(1);
    for (const id of ['a', 'b']) {
      const file = await trained.requests.exportWeights(id, id, 'safetensors');
      expect(file.format).toBe('safetensors');
      await fresh.loadWeights(id, `${id}.safetensors`, bytesOf(file));
    }
    await fresh.snapshot();
    const got = fresh.exportState().snapshots;
    for (const id of ['a', 'b']) {
      expect(Object.keys(got.get(id)!).sort()).toEqual(Object.keys(want.get(id)!).sort());
      for (const [name, v] of Object.entries(want.get(id)!)) expect(Array.from(got.get(id)![name]), `${id} ${name}`).toEqual(Array.from(v));
    }
    trained.destroy();
    fresh.destroy();
  }, 120_000);
});

describe('decode scores', () => {
  it('count tokens and whole sequences right, skipping ignored targets', () => {
    const target = Int32Array.from([1, 2, 3, 4, -1, 6, -1, -1, -1]);
    const forced = Int32Array.from([1, 2, 3, 4, 0, 6, 7, 7, 7]);
    const free = Int32Array.from([1, 0, 3, 4, 9, 6, 7, 7, 7]);
    // Sequence 3 has no target that counts: it is left out of both measures.
    expect(decodeScores(target, { forced, free }, 3)).toEqual({ forcedTokens: 1, freeTokens: 4 / 5, forcedSequences: 1, freeSequences: 1 / 2 });
  });
});
