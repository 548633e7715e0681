// Step-through BPTT: each click walks the first model's backward pass one timestep further back
// (the same WGSL kernel that trains, run for one step) and shows ‖∂L/∂h_t‖ filling in from the
// end of the window towards its start, with the sample's ∂L/∂h_t as a row of units. Watching the
// bars shrink (tanh RNN) or hold (LSTM) is the vanishing gradient, one step at a time.

import { interpolateRdBu } from 'd3-scale-chromatic';
import { familyOf, SLOT_KINDS } from '../../models/registry';
import { bpttStep, bpttStop } from '../engine';
import { useStore } from '../store';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { useRunModels } from './runModels';
import { linesTable } from '../export/chartCsv';
import { ViewPanel } from './ViewPanel';

const HEIGHT = 90;

function Bars({ norms, current, color }: { norms: Float32Array; current: number; color: string }) {
  const finite = Array.from(norms).filter((v) => v > 0 && Number.isFinite(v));
  const hi = Math.log10(Math.max(...finite, 1e-30));
  const lo = Math.min(Math.log10(Math.min(...finite, 1)), hi - 1);
  const w = 100 / norms.length;
  return (
    <svg viewBox={`0 0 100 ${HEIGHT}`} preserveAspectRatio="none" width="100%" height={HEIGHT} role="img" aria-label="gradient norm by timestep">
      {Array.from(norms, (v, t) => {
        if (!(v > 0 && Number.isFinite(v))) return null;
        const h = Math.max(1, ((Math.log10(v) - lo) / (hi - lo)) * (HEIGHT - 4));
        return <rect key={t} x={t * w + w * 0.1} width={w * 0.8} y={HEIGHT - h} height={h} fill={color} opacity={t === current ? 1 : 0.55} />;
      })}
    </svg>
  );
}

function UnitRow({ dh }: { dh: Float32Array }) {
  const scale = Math.max(...Array.from(dh, Math.abs), 1e-30);
  return (
    <div className="unit-row" title="∂L/∂h_t of the sample, one cell per hidden unit (red < 0 < blue)">
      {Array.from(dh, (v, j) => (
        <span key={j} style={{ background: interpolateRdBu(0.5 + (0.5 * v) / scale) }} title={`unit ${j}: ${v.toExponential(2)}`} />
      ))}
    </div>
  );
}

/** "RNN (tanh), LSTM and GRU": the kinds whose family has a recurrence to walk. */
const STEP_THROUGH_KINDS = SLOT_KINDS.filter((k) => familyOf(k.kind).views.bpttStepThrough)
  .map((k) => k.label)
  .join(', ')
  .replace(/, ([^,]*)$/, ' and $1');

export function BpttView() {
  useTelemetryVersion(50);
  const models = useRunModels();
  const sample = useStore((s) => s.probeSample);
  const first = models[0];
  const walk = first ? telemetry.models.get(first.id)?.bptt ?? null : null;
  const recurrent = first && familyOf(first.slot.kind).views.bpttStepThrough;
  const next = walk && !walk.done ? walk.t - 1 : null;
  const actions = first && recurrent && (
    <>
      <button type="button" data-testid="bptt-step" onClick={() => bpttStep(sample)}>
        {walk && !walk.done ? `◀ t = ${next}` : '◀ Start at the last step'}
      </button>
      {walk && !walk.done && (
        <button type="button" onClick={bpttStop}>
          Stop
        </button>
      )}
    </>
  );
  const empty = !first
    ? 'Build a model first.'
    : !recurrent
      ? `Step-through walks a recurrence backwards: it is for ${STEP_THROUGH_KINDS} (the first model of the run).`
      : !walk
        ? 'Pauses training, runs one forward pass, then walks backpropagation through time one timestep per click, from the last step to the first.'
        : null;
  return (
    <ViewPanel
      title="Step through BPTT"
      testId="view-bptt"
      actions={actions}
      empty={empty}
      wide
      exportAs={{ name: 'bptt', csv: () => (walk ? linesTable('t', [{ name: '‖∂L/∂h_t‖ (timesteps walked so far)', xs: Array.from(walk.norms, (_, t) => t), ys: walk.norms }]) : null) }}
    >
      {walk && first && (
        <div data-testid="bptt-walk">
          <p className="small-title">
            <span style={{ color: first.color }}>{first.label}</span>{' '}
            <span className="muted">
              t = {walk.t} of {walk.T}: ‖∂L/∂h<sub>t</sub>‖ = {walk.norms[walk.t].toExponential(2)}
              {walk.t < walk.T - 1 && Number.isFinite(walk.norms[walk.t + 1]) ? ` (×${(walk.norms[walk.t] / walk.norms[walk.t + 1]).toFixed(2)} from t+1)` : ''}
              {walk.done ? ' · reached t = 0' : ''}
            </span>
          </p>
          <Bars norms={walk.norms} current={walk.t} color={first.color} />
          <UnitRow dh={walk.dh} />
        </div>
      )}
    </ViewPanel>
  );
}
