import { GpuPanel } from './GpuPanel';
import { NoWebGPU } from './NoWebGPU';
import { Panel } from './Panel';
import { useStore } from './store';

export function App() {
  const unsupported = useStore((s) => s.gpu.state === 'unsupported');
  if (unsupported) return <NoWebGPU />;
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          <span className="logo" aria-hidden>⟿</span> Timestep
        </h1>
        <p className="tagline">Train RNNs, LSTMs, GRUs and Mamba on your GPU, and watch them think.</p>
      </header>
      <div className="layout">
        <aside className="sidebar">
          <Panel title="Data" id="data-panel">
            <p className="muted">Built-in sequences and your own CSV or text.</p>
          </Panel>
          <Panel title="Model" id="model-panel">
            <p className="muted">RNN, LSTM, GRU or Mamba.</p>
          </Panel>
          <Panel title="Training" id="training-panel">
            <p className="muted">Optimizer, learning rate, BPTT length, clipping.</p>
          </Panel>
        </aside>
        <main className="views">
          <GpuPanel />
        </main>
      </div>
    </div>
  );
}
