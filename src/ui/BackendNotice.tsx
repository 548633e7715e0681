import type { GpuInfo } from '../gpu/device';
import { NO_WEBGPU_HELP } from '../gpu/errors';
import { switchBackend } from './engine';

/**
 * Which backend trains and why, in the GPU panel: the CPU backend's notice (with the sizes that
 * stay comfortable on it), a software adapter's probe timings, and the switch to the other one.
 */
export function BackendNotice({ info }: { info: GpuInfo }) {
  const probe = info.probe && (
    <p className="small" data-testid="backend-probe">
      Measured at start ({info.probe.what}): WebGPU {info.probe.webgpuMs.toFixed(0)} ms, CPU {info.probe.cpuMs.toFixed(0)} ms per step.
    </p>
  );
  if (info.backend === 'cpu') {
    return (
      <div className="cpu-notice" role="status" data-testid="cpu-backend-notice">
        <strong>Training on the CPU</strong>
        <p className="small">
          {info.cpuReason} Every model, view and file works the same; the kernels run as float32 loops in the training worker.
          Comfortable here: hidden sizes up to about 128, with batch × sequence length up to about 2,000 (an LSTM step at batch 8,
          32 steps, hidden 64 takes tens of milliseconds). Larger runs train, more slowly.
        </p>
        {probe}
        {/no WebGPU/.test(info.cpuReason ?? '') && (
          <details>
            <summary>Training on a GPU instead</summary>
            <p className="muted small">{NO_WEBGPU_HELP}</p>
          </details>
        )}
        {info.alternative === 'webgpu' && (
          <button type="button" data-testid="switch-backend" onClick={() => switchBackend('webgpu')}>
            Train on WebGPU instead
          </button>
        )}
      </div>
    );
  }
  if (info.alternative !== 'cpu') return null;
  return (
    <div className="cpu-notice" data-testid="software-adapter-notice">
      <p className="small">This adapter is a software one: WebGPU runs on the CPU here, and the CPU backend may be faster.</p>
      {probe}
      <button type="button" data-testid="switch-backend" onClick={() => switchBackend('cpu')}>
        Train on the CPU backend instead
      </button>
    </div>
  );
}
