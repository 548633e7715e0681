// minGRU and minLSTM in the worker's training session (Node, Dawn), beside an LSTM on the same
// batches of the noisy sines: every validation loss falls, the probes carry their gates, and
// truncated BPTT carries their state from window to window.

import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../data';
import { useKernelContext } from '../kernels/testing';
import type { FromWorker } from '../worker/protocol';
import { Session } from '../worker/session';
import { run, slot } from '../worker/testing';

const { ctx } = useKernelContext();

const sines = () => generateBuiltin('sine-mix', { length: 1200 }, 1);

describe('minGRU and minLSTM in a training session', () => {
  it('train beside an LSTM on the noisy sines: every validation loss falls, probes show their gates', async () => {
    const messages: FromWorker[] = [];
    const session = new Session(ctx, (m) => messages.push(m));
    session.setDataset(sines());
    await session.configure(run([slot('lstm', 'lstm'), slot('gru', 'mingru'), slot('mlstm', 'minlstm', { layers: 2, initialState: 'learned' })], { batch: 8, seqLen: 16, lr: 0.03, validateEvery: 3 }));
    const configured = messages.find((m) => m.type === 'configured');
    expect(configured?.type === 'configured' && configured.models.map((m) => m.schedule.split(':')[0])).toEqual(['persistent', 'parallel scan', 'parallel scan']);
    for (let k = 0; k < 30; k++) await session.stepOnce();
    for (const id of ['lstm', 'gru', 'mlstm']) {
      const val = messages.flatMap((m) => (m.type === 'validation' && m.modelId === id ? [m.loss] : []));
      expect(val.length, id).toBeGreaterThan(5);
      expect(val.every(Number.isFinite), id).toBe(true);
      expect(Math.min(...val.slice(-3)), `${id}: ${val.map((v) => v.toFixed(3)).join(' ')}`).toBeLessThan(val[0] / 3);
    }
    const probe = (id: string) => messages.findLast((m) => m.type === 'probe' && m.probe.modelId === id);
    const gru = probe('gru');
    const mlstm = probe('mlstm');
    expect(gru?.type === 'probe' && Object.keys(gru.probe.gates)).toEqual(['update']);
    expect(mlstm?.type === 'probe' && Object.keys(mlstm.probe.gates)).toEqual(['forget', 'input']);
    if (mlstm?.type === 'probe') {
      expect(mlstm.probe.gates.forget.length).toBe(16 * 16);
      expect(mlstm.probe.gates.forget.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    session.destroy();
  }, 120_000);

  it('truncated BPTT carries their state across chunks', async () => {
    const messages: FromWorker[] = [];
    const session = new Session(ctx, (m) => messages.push(m));
    session.setDataset(generateBuiltin('sine-mix', { length: 600 }, 1));
    await session.configure(run([slot('g', 'mingru'), slot('l', 'minlstm')], { seqLen: 24, tbptt: 8 }));
    await session.stepOnce();
    for (const id of ['g', 'l']) {
      const reports = messages.flatMap((m) => (m.type === 'steps' && m.modelId === id ? m.reports : []));
      expect(reports.map((r) => r.step), id).toEqual([1, 2, 3]);
      expect(reports.every((r) => Number.isFinite(r.loss))).toBe(true);
    }
    session.destroy();
  }, 60_000);
});
