// The GPU panel's backend notice as rendered: the run probe's line, the offered switch (marked,
// with how much faster), the comfortable sizes from the measured step. Static markup, no browser.

import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { GpuInfo } from '../gpu/device';
import { comfortableSizes } from '../worker/comfort';
import type { RunProbeReport } from '../worker/runProbe';
import { BackendNotice } from './BackendNotice';

const base = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader', features: [], limits: {} } as unknown as GpuInfo;
const software: GpuInfo = { ...base, backend: 'webgpu', isFallback: true, alternative: 'cpu', probe: { webgpuMs: 30, cpuMs: 40, what: 'LSTM' } };
const onCpu: GpuInfo = { ...base, backend: 'cpu', isFallback: false, alternative: 'webgpu', cpuReason: 'The CPU backend was faster in a probe.', probe: { webgpuMs: 400, cpuMs: 15, what: 'LSTM' } };

const render = (info: GpuInfo, report: RunProbeReport | null) => renderToStaticMarkup(createElement(BackendNotice, { info, report })).replace(/<!-- -->/g, '');
const text = (html: string) => html.replace(/<[^>]+>/g, '');

describe('BackendNotice', () => {
  it('on WebGPU, offers the CPU backend the run probe timed faster, marked, with the factor', () => {
    const report: RunProbeReport = { what: 'LSTM 32 + GRU 32, batch 16 × 32 steps', current: { backend: 'webgpu', ms: 582, capped: false }, other: { backend: 'cpu', ms: 97, capped: false }, offer: 'cpu', comfort: null };
    const html = render(software, report);
    expect(text(html)).toContain('Your run (LSTM 32 + GRU 32, batch 16 × 32 steps): WebGPU 582 ms, CPU 97 ms per step. The CPU backend is 6.0× faster for it.');
    expect(html).toMatch(/<button[^>]*data-testid="switch-backend"[^>]*class="primary"[^>]*>Train on the CPU backend instead \(6\.0× faster for this run\)<\/button>/);
  });

  it('without an offer, shows the timings and a plain switch', () => {
    const report: RunProbeReport = { what: 'GRU 8, batch 4 × 8 steps', current: { backend: 'webgpu', ms: 50, capped: false }, other: { backend: 'cpu', ms: 45, capped: false }, offer: null, comfort: null };
    const html = render(software, report);
    expect(text(html)).toContain('Your run (GRU 8, batch 4 × 8 steps): WebGPU 50 ms, CPU 45 ms per step.');
    expect(html).not.toContain('faster for');
    expect(html).not.toContain('class="primary"');
  });

  it('on the CPU: the comfortable sizes from the run, and no run line when only the CPU was timed', () => {
    const report: RunProbeReport = { what: 'LSTM 64, batch 8 × 32 steps', current: { backend: 'cpu', ms: 12.5, capped: false }, other: null, offer: null, comfort: comfortableSizes({ ms: 12.5, batch: 8, seqLen: 32, hidden: 64 }) };
    const html = render(onCpu, report);
    expect(text(html)).toContain('Comfortable here: your run takes 13 ms a step (about 80 steps/s). A step stays under 50 ms up to hidden sizes of about 128 at batch 8 × 32 steps');
    expect(html).not.toContain('data-testid="run-probe"');
    expect(text(html)).toContain('Train on WebGPU instead');
    // Before the run is timed: the start-up probe's LSTM.
    expect(text(render(onCpu, null))).toContain('Comfortable here: an LSTM of hidden 64 (the start-up probe) takes 15 ms a step');
  });

  it('on the CPU, says what the kernels run as: WebAssembly with SIMD, or JavaScript where it is missing', () => {
    expect(text(render({ ...onCpu, cpuKernels: 'WebAssembly SIMD' }, null))).toContain('the kernels run in float32 in the training worker, the matrix products and the selective scan in WebAssembly with SIMD.');
    const plain = text(render({ ...onCpu, cpuKernels: 'JavaScript loops' }, null));
    expect(plain).toContain('the kernels run in float32 in the training worker, as JavaScript loops.');
    expect(plain).not.toContain('SIMD');
  });
});
