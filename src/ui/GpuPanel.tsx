import { adapterName, OPTIONAL_FEATURES } from '../gpu/device';
import { BackendNotice } from './BackendNotice';
import { simulateDeviceLoss } from './engine';
import { Panel } from './Panel';
import { useStore } from './store';

const MiB = 1024 * 1024;

function formatLimit(name: string, value: number): string {
  if (/Size$/.test(name) && value >= MiB) return `${(value / MiB).toFixed(0)} MiB`;
  if (/Size$/.test(name) && value >= 1024) return `${(value / 1024).toFixed(0)} KiB`;
  return String(value);
}

export function GpuPanel() {
  const gpu = useStore((s) => s.gpu);
  const runProbe = useStore((s) => s.runProbe);
  return (
    <Panel title="GPU" id="gpu-panel">
      {gpu.state === 'connecting' && <p className="muted">Connecting to the GPU…</p>}
      {gpu.state === 'problem' && (
        <div className="error" role="alert" data-testid="gpu-problem">
          <strong>{gpu.message}</strong>
          {gpu.detail && (
            <details>
              <summary>Details</summary>
              <pre>{gpu.detail}</pre>
            </details>
          )}
        </div>
      )}
      {gpu.state === 'ready' && (
        <div data-testid="gpu-ready">
          <p className="adapter" data-testid="gpu-adapter">
            {adapterName(gpu.info)}
            {gpu.info.isFallback && <span className="badge warn" title="A software adapter: correct, but far slower than a GPU">software</span>}
          </p>
          <BackendNotice info={gpu.info} report={runProbe} />
          <p data-testid="gpu-selftest" className={gpu.selfTest.ok ? 'ok' : 'error'}>
            {gpu.selfTest.ok ? '✓' : '✗'} {gpu.selfTest.what}: max error {gpu.selfTest.maxRelErr.toExponential(1)} ({gpu.selfTest.ms.toFixed(0)} ms)
          </p>
          <h3>Limits</h3>
          <table className="kv">
            <tbody>
              {Object.entries(gpu.info.limits).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{formatLimit(k, v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Features</h3>
          <ul className="features" data-testid="gpu-features">
            {OPTIONAL_FEATURES.map((f) => (
              <li key={f} className={gpu.info.features.includes(f) ? 'on' : 'off'}>
                {gpu.info.features.includes(f) ? '●' : '○'} {f}
              </li>
            ))}
          </ul>
          <details className="troubleshoot">
            <summary>Troubleshooting</summary>
            <p className="muted small">
              A driver update or reset takes the GPU away from the page. Timestep keeps the data, the run and its last parameters, and
              carries on after Reconnect. Try it:
            </p>
            <button type="button" data-testid="simulate-device-loss" onClick={simulateDeviceLoss}>
              Simulate a lost GPU device
            </button>
          </details>
        </div>
      )}
    </Panel>
  );
}
