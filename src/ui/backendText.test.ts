// The GPU panel's words for the probes: timings, the offer, and the comfortable sizes.

import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../gpu/device';
import { comfortableSizes } from '../worker/comfort';
import type { RunProbeReport } from '../worker/runProbe';
import { comfortSentence, cpuComfort, formatTiming, offerFactor, runProbeLine } from './backendText';

const report = (over: Partial<RunProbeReport> = {}): RunProbeReport => ({
  what: 'LSTM 32 + GRU 32, batch 16 × 32 steps',
  current: { backend: 'cpu', ms: 21.4, capped: false },
  other: { backend: 'webgpu', ms: 140.6, capped: false },
  offer: null,
  comfort: comfortableSizes({ ms: 21.4, batch: 16, seqLen: 32, hidden: 32 }),
  ...over,
});

describe('the probe line', () => {
  it('names both backends, WebGPU first, and what was timed', () => {
    expect(runProbeLine(report())).toBe('Your run (LSTM 32 + GRU 32, batch 16 × 32 steps): WebGPU 141 ms, CPU 21 ms per step.');
  });
  it('a capped timing says it is only the first step', () => {
    expect(formatTiming({ ms: 2345.6, capped: true })).toBe('over 2,346 ms (its first step)');
    expect(formatTiming({ ms: 3.456, capped: false })).toBe('3.5 ms');
  });
  it('the offer says how much faster, only when there is one', () => {
    expect(offerFactor(report())).toBeNull();
    expect(offerFactor(null)).toBeNull();
    expect(offerFactor(report({ current: { backend: 'webgpu', ms: 140, capped: false }, other: { backend: 'cpu', ms: 21, capped: false }, offer: 'cpu' }))).toBe('6.7×');
    expect(offerFactor(report({ current: { backend: 'webgpu', ms: 2600, capped: true }, other: { backend: 'cpu', ms: 20, capped: false }, offer: 'cpu' }))).toBe('130×');
  });
});

describe('the comfortable sizes', () => {
  it('from the run: its time, steps/s, the hidden size and batch × steps under 50 ms', () => {
    const text = comfortSentence(comfortableSizes({ ms: 12.5, batch: 8, seqLen: 32, hidden: 64 }), 'your run');
    expect(text).toBe(
      'Comfortable here: your run takes 13 ms a step (about 80 steps/s). A step stays under 50 ms up to hidden sizes of about 128 at batch 8 × 32 steps, and at hidden 64 with batch × steps up to about 1,000. Larger runs train, more slowly.',
    );
  });
  it('a run far over the budget says so', () => {
    expect(comfortSentence(comfortableSizes({ ms: 2500, batch: 64, seqLen: 500, hidden: 1 }), 'your run')).toBe(
      'Comfortable here: your run takes 2,500 ms a step (about one step every 2.5 s); at batch 64 × 500 steps a step is over 50 ms at any hidden size. Smaller batches or shorter windows train faster.',
    );
    expect(comfortSentence(comfortableSizes({ ms: 250, batch: 3, seqLen: 5, hidden: 40 }), 'x')).toMatch(/about 4\.0 steps\/s\)\. .*hidden sizes of about 16 at batch 3 × 5 steps, and at hidden 40 with batch × steps up to about 3\./);
  });
  it('before any measurement, says it will measure', () => {
    expect(comfortSentence(null, '')).toMatch(/^Comfortable here: .*measured once a run is built/);
  });
  it('the CPU notice takes the run probe on the CPU, else the start-up probe', () => {
    const info = { backend: 'cpu', probe: { webgpuMs: 100, cpuMs: 12.5, what: 'x' } } as GpuInfo;
    expect(cpuComfort(info, report())).toMatch(/^Comfortable here: your run takes 21 ms a step/);
    // A report timed on WebGPU says nothing of the CPU's sizes.
    expect(cpuComfort(info, report({ current: { backend: 'webgpu', ms: 5, capped: false } }))).toMatch(/an LSTM of hidden 64 \(the start-up probe\) takes 13 ms a step.*about 128 at batch 8 × 32 steps/);
    expect(cpuComfort({ backend: 'cpu' } as GpuInfo, null)).toMatch(/measured once a run is built/);
  });
});
