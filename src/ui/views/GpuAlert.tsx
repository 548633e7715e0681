// GPU problems at the top of the views, where they are seen. With no device to train on (lost,
// or none offered) the alert offers Reconnect, which carries on from the last saved parameters.
// An error the device survived (a rejected command, out of memory) can be dismissed: nothing is
// disabled because of it.

import { reconnect } from '../engine';
import { useStore } from '../store';

export function GpuAlert() {
  const gpu = useStore((s) => s.gpu);
  const error = useStore((s) => s.gpuError);
  const dismiss = useStore((s) => s.setGpuError);
  const hasRun = useStore((s) => s.summary !== null);
  return (
    <>
      {gpu.state === 'problem' && (
        <div className="alert" role="alert" data-testid="gpu-alert">
          <strong>{gpu.message}</strong>
          <p>
            {gpu.kind === 'device-lost' && hasRun
              ? 'The data, the run and its last saved parameters are kept: reconnecting carries on from there.'
              : 'Reconnecting asks the browser for the GPU again.'}{' '}
            <button type="button" className="primary" data-testid="reconnect" onClick={reconnect}>
              {gpu.kind === 'device-lost' ? 'Reconnect' : 'Retry'}
            </button>
          </p>
        </div>
      )}
      {error && (
        <div className="alert" role="alert" data-testid="gpu-error">
          <strong>{error.message}</strong>
          {error.detail && error.detail !== error.message && (
            <details>
              <summary className="small">Details</summary>
              <pre className="small">{error.detail}</pre>
            </details>
          )}
          <p className="small">The GPU is still in use: the run, its data and the controls are as they were.</p>
          <button type="button" data-testid="dismiss-gpu-error" onClick={() => dismiss(null)}>
            Dismiss
          </button>
        </div>
      )}
    </>
  );
}
