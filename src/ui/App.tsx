import { DataPanel } from './data/DataPanel';
import { GpuPanel } from './GpuPanel';
import { LessonsPanel } from './lessons/LessonsPanel';
import { useKeyboardShortcuts } from './keyboard';
import { ModelPanel } from './model/ModelPanel';
import { RunsPanel } from './runs/RunsPanel';
import { TrainingPanel } from './training/TrainingPanel';
import { Views } from './views/Views';

export function App() {
  useKeyboardShortcuts();
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          <span className="logo" aria-hidden>⟿</span> Timestep
        </h1>
        <p className="tagline">Train RNNs, LSTMs, GRUs and Mamba on your GPU, and watch them think.</p>
        <p className="keys muted small">
          <kbd>space</kbd> play/pause · <kbd>→</kbd> one step
        </p>
      </header>
      <div className="layout">
        <aside className="sidebar">
          <LessonsPanel />
          <DataPanel />
          <ModelPanel />
          <TrainingPanel />
          <RunsPanel />
        </aside>
        <main className="views">
          <Views />
          <GpuPanel />
        </main>
      </div>
    </div>
  );
}
