import type { GpuInfo } from '../gpu/device';
import { NO_WEBGPU_HELP } from '../gpu/errors';
import type { RunProbeReport } from '../worker/runProbe';
import { cpuComfort, offerFactor, runProbeLine } from './backendText';
import { switchBackend } from './engine';

/**
 * Which backend trains and why, in the GPU panel: the CPU backend's notice (with the sizes that
 * stay comfortable on it, from a measured step), the probes' timings (at start, and of the run as
 * configured), and the switch to the other backend, offered when the run probe timed it clearly
 * faster for this run. The worker decides what to offer (src/worker/runProbe.ts); the page only
 * shows it and sends the switch.
 */
export function BackendNotice({ info, report }: { info: GpuInfo; report: RunProbeReport | null }) {
  const probe = info.probe && (
    <p className="small" data-testid="backend-probe">
      Measured at start ({info.probe.what}): WebGPU {info.probe.webgpuMs.toFixed(0)} ms, CPU {info.probe.cpuMs.toFixed(0)} ms per step.
    </p>
  );
  // Both timings of the run as configured, where the other backend was timed too.
  const factor = offerFactor(report);
  const runProbe = report?.other && (
    <p className="small" data-testid="run-probe">
      {runProbeLine(report)}
      {factor && <strong data-testid="backend-offer"> {report.offer === 'cpu' ? 'The CPU backend' : 'WebGPU'} is {factor} faster for it.</strong>}
    </p>
  );
  const switchButton = (to: 'webgpu' | 'cpu', label: string) => (
    <button type="button" data-testid="switch-backend" className={report?.offer === to ? 'primary' : undefined} onClick={() => switchBackend(to)}>
      {label}
      {report?.offer === to && factor ? ` (${factor} faster for this run)` : ''}
    </button>
  );
  if (info.backend === 'cpu') {
    return (
      <div className="cpu-notice" role="status" data-testid="cpu-backend-notice">
        <strong>Training on the CPU</strong>
        <p className="small">{info.cpuReason} Every model, view and file works the same; the kernels run in float32 in the training worker{info.cpuKernels === 'WebAssembly SIMD' ? ', the matrix products and the selective scan in WebAssembly with SIMD' : ', as JavaScript loops'}.</p>
        <p className="small" data-testid="cpu-comfort">
          {cpuComfort(info, report)}
        </p>
        {probe}
        {runProbe}
        {/no WebGPU/.test(info.cpuReason ?? '') && (
          <details>
            <summary>Training on a GPU instead</summary>
            <p className="muted small">{NO_WEBGPU_HELP}</p>
          </details>
        )}
        {info.alternative === 'webgpu' && switchButton('webgpu', 'Train on WebGPU instead')}
      </div>
    );
  }
  if (info.alternative !== 'cpu') return null;
  return (
    <div className="cpu-notice" data-testid="software-adapter-notice">
      <p className="small">This adapter is a software one: WebGPU runs on the CPU here, and the CPU backend may be faster.</p>
      {probe}
      {runProbe}
      {switchButton('cpu', 'Train on the CPU backend instead')}
    </div>
  );
}
