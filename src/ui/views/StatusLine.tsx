// One line on the run: the GPU in use, steps taken, milliseconds per step, and a notice when the
// "GPU" is a software rasteriser on the CPU.

import { adapterName } from '../../gpu/device';
import { useStore } from '../store';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { useRunModels } from './runModels';

function formatMs(ms: number): string {
  return ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : ms.toFixed(0);
}

export function StatusLine() {
  const gpu = useStore((s) => s.gpu);
  const running = useStore((s) => s.running);
  const pauseReason = useStore((s) => s.pauseReason);
  const configuring = useStore((s) => s.configuring);
  const models = useRunModels();
  useTelemetryVersion(200);
  const first = models[0] ? telemetry.models.get(models[0].id) : undefined;
  const step = first?.lastStep ?? 0;
  const state = configuring ? 'building' : running ? 'training' : models.length ? 'paused' : 'idle';
  return (
    <div className="status-line" data-testid="status-line">
      <span className={`dot ${state}`} aria-hidden />
      <span data-testid="run-state">{state}</span>
      {state === 'paused' && pauseReason && (
        <span className="muted" data-testid="pause-reason">
          ({pauseReason})
        </span>
      )}
      <span className="sep">·</span>
      <span>
        step <strong data-testid="step-count">{step.toLocaleString()}</strong>
      </span>
      {models.map((m) => {
        const t = telemetry.models.get(m.id);
        const rate = running && t && t.stepsPerSecond > 0 ? ` · ${t.stepsPerSecond.toFixed(t.stepsPerSecond < 10 ? 1 : 0)} steps/s` : '';
        return (
          <span key={m.id} style={{ color: m.color }} data-testid={`ms-per-step-${m.id}`} title="Worker time per step; steps/s as seen from the page, GPU included">
            {m.label}: {t && t.msPerStep > 0 ? `${formatMs(t.msPerStep)} ms/step` : '– ms/step'}
            {rate}
          </span>
        );
      })}
      <span className="grow" />
      {gpu.state === 'ready' && (
        <span className="muted" title="The GPU the worker trains on">
          GPU: {adapterName(gpu.info)}
        </span>
      )}
      {gpu.state === 'ready' && gpu.info.backend === 'cpu' && (
        <span className="badge warn" data-testid="cpu-notice" title={gpu.info.cpuReason ?? 'The CPU backend: the kernels in float32 in the worker'}>
          training on the CPU
        </span>
      )}
      {gpu.state === 'ready' && gpu.info.isFallback && (
        <span className="badge warn" data-testid="cpu-notice" title="A software adapter (SwiftShader or WARP): correct, but far slower than a GPU">
          running on CPU
        </span>
      )}
    </div>
  );
}
