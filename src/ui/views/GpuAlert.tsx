// A GPU problem at the top of the views, where it is seen: what happened and, for a lost
// device, a button that reconnects and carries on from the last saved parameters.

import { reconnect } from '../engine';
import { useStore } from '../store';

export function GpuAlert() {
  const gpu = useStore((s) => s.gpu);
  const hasRun = useStore((s) => s.summary !== null);
  if (gpu.state !== 'problem') return null;
  const lost = gpu.kind === 'device-lost';
  return (
    <div className="alert" role="alert" data-testid="gpu-alert">
      <strong>{gpu.message}</strong>
      {lost && (
        <p>
          {hasRun ? 'The data, the run and its last saved parameters are kept: reconnecting carries on from there.' : 'Reconnecting asks the browser for the GPU again.'}{' '}
          <button type="button" className="primary" data-testid="reconnect" onClick={reconnect}>
            Reconnect
          </button>
        </p>
      )}
    </div>
  );
}
