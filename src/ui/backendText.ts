// The GPU panel's words about the backends (./BackendNotice.tsx): a probe's timings, the switch it
// offers, and the sizes that stay comfortable on the CPU backend, all from measured steps (the
// worker's run probe, src/worker/runProbe.ts, or the start-up probe before a run is built).

import type { GpuInfo } from '../gpu/device';
import { comfortableSizes, START_PROBE, type Comfort } from '../worker/comfort';
import type { BackendTiming, RunProbeReport } from '../worker/runProbe';

const BACKEND_NAME: Record<GpuInfo['backend'], string> = { webgpu: 'WebGPU', cpu: 'CPU' };

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

/** "12 ms", "3.4 ms", or "over 2,100 ms (its first step)" when the probe stopped after the warm-up. */
export function formatTiming(t: Pick<BackendTiming, 'ms' | 'capped'>): string {
  if (t.capped) return `over ${grouped(t.ms)} ms (its first step)`;
  return `${t.ms < 10 ? t.ms.toFixed(1) : grouped(t.ms)} ms`;
}

/** "Your run (LSTM 32, batch 16 × 32 steps): WebGPU 140 ms, CPU 21 ms per step." */
export function runProbeLine(report: RunProbeReport): string {
  const timings = [report.current, report.other].filter((t): t is BackendTiming => t !== null);
  // WebGPU first, as the start-up probe's line reads.
  timings.sort((a, b) => (a.backend === b.backend ? 0 : a.backend === 'webgpu' ? -1 : 1));
  return `Your run (${report.what}): ${timings.map((t) => `${BACKEND_NAME[t.backend]} ${formatTiming(t)}`).join(', ')} per step.`;
}

/** How many times faster the offered backend timed the run ("6.2×"); null without an offer. */
export function offerFactor(report: RunProbeReport | null): string | null {
  if (!report?.offer || !report.other) return null;
  const factor = report.current.ms / report.other.ms;
  return Number.isFinite(factor) ? `${factor < 10 ? factor.toFixed(1) : grouped(factor)}×` : null;
}

/**
 * "Comfortable here: …": what a measured step says of the sizes that stay under the budget, or,
 * before anything was measured, that it will be.
 */
export function comfortSentence(comfort: Comfort | null, measured: string): string {
  if (!comfort) return 'Comfortable here: small models (hidden sizes in the tens); the sizes are measured once a run is built.';
  const { ms, stepsPerSecond, batch, seqLen, hidden, budgetMs, comfortableHidden, comfortableBatchSteps } = comfort;
  const rate = stepsPerSecond >= 10 ? `${grouped(stepsPerSecond)} steps/s` : stepsPerSecond >= 1 ? `${stepsPerSecond.toFixed(1)} steps/s` : `one step every ${(ms / 1000).toFixed(1)} s`;
  const head = `Comfortable here: ${measured} takes ${formatTiming({ ms, capped: false })} a step (about ${rate})`;
  const shape = `batch ${grouped(batch)} × ${grouped(seqLen)} steps`;
  if (comfortableHidden < 1) return `${head}; at ${shape} a step is over ${budgetMs} ms at any hidden size. Smaller batches or shorter windows train faster.`;
  const bt = comfortableBatchSteps < 1 ? `no batch × steps keeps it under ${budgetMs} ms` : `batch × steps up to about ${grouped(comfortableBatchSteps)}`;
  return `${head}. A step stays under ${budgetMs} ms up to hidden sizes of about ${grouped(comfortableHidden)} at ${shape}, and at hidden ${grouped(hidden)} with ${bt}. Larger runs train, more slowly.`;
}

/** The CPU backend's comfort sentence from the best measurement there is: the run's own, else the start-up probe's LSTM. */
export function cpuComfort(info: GpuInfo, report: RunProbeReport | null): string {
  if (report && report.current.backend === 'cpu') return comfortSentence(report.comfort, 'your run');
  if (info.probe) {
    const comfort = comfortableSizes({ ms: info.probe.cpuMs, batch: START_PROBE.batch, seqLen: START_PROBE.seqLen, hidden: START_PROBE.hidden });
    return comfortSentence(comfort, `an LSTM of hidden ${START_PROBE.hidden} (the start-up probe)`);
  }
  return comfortSentence(null, '');
}
