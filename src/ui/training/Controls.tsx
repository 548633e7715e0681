// Play / pause, one step, reset, and the speed. Space and → do the same from the keyboard.

import { allHalted, pause, play, resetRun, stepOnce } from '../engine';
import { SPEEDS } from '../state/defaults';
import { useStore } from '../store';

export function Controls() {
  const running = useStore((s) => s.running);
  const configuring = useStore((s) => s.configuring);
  const gpuReady = useStore((s) => s.gpu.state === 'ready');
  const ready = useStore((s) => s.configured !== null && !s.configuring && s.gpu.state === 'ready');
  const halted = useStore((s) => allHalted(s));
  const speed = useStore((s) => s.training.speed);
  const setTraining = useStore((s) => s.setTraining);
  return (
    <div className="controls">
      <div className="buttons">
        <button
          type="button"
          className="primary"
          data-testid="play"
          disabled={!ready || (halted && !running)}
          onClick={running ? pause : play}
          title="Space"
          aria-label={running ? 'Pause' : 'Play'}
        >
          {running ? '❚❚ Pause' : '▶ Play'}
        </button>
        <button type="button" data-testid="step" disabled={!ready || running || halted} onClick={stepOnce} title="→ (right arrow)">
          Step
        </button>
        <button type="button" data-testid="reset" disabled={!ready} onClick={resetRun} title="Start again from the seed">
          Reset
        </button>
      </div>
      <div className="speed" role="radiogroup" aria-label="Speed">
        <span className="muted">Speed</span>
        {SPEEDS.map((s) => (
          <label key={String(s)} className={speed === s ? 'on' : ''}>
            <input type="radio" name="speed" checked={speed === s} onChange={() => setTraining({ speed: s })} />
            {s === 'max' ? 'max' : `${s}/s`}
          </label>
        ))}
      </div>
      {halted && <p className="hint warn">Training stopped on a non-finite step: Reset to start again.</p>}
      {!ready && <p className="hint">{!gpuReady ? 'Waiting for the GPU…' : configuring ? 'Building the models…' : 'Waiting for data…'}</p>}
    </div>
  );
}
