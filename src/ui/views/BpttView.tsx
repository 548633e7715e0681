// Step-through BPTT: each click walks the first model's backward pass one timestep further back
// (the same WGSL kernel that trains, run for one step) and shows ‖∂L/∂h_t‖ filling in from the
// end of the window towards its start, with the sample's ∂L/∂h_t as a row of units. Watching the
// bars shrink (tanh RNN) or hold (LSTM) is the vanishing gradient, one step at a time. The bars
// stand on a log axis labelled in decades that stays put across clicks (./logScale.ts), and the
// text gives the factor of the last step and the mean factor per step since the end.

import { interpolateRdBu } from 'd3-scale-chromatic';
import { familyOf, SLOT_KINDS } from '../../models/registry';
import { bpttStep, bpttStop } from '../engine';
import { useStore } from '../store';
import { telemetry, type BpttWalk } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { useRunModels } from './runModels';
import { linesTable } from '../export/chartCsv';
import { ViewPanel } from './ViewPanel';
import { decadeFraction, decadeLabel, decadeTicks, meanStepFactor } from './logScale';

const HEIGHT = 120;

/** ×0.83: a ratio of two norms, written so that both 0.83 and 3e-5 read well. */
function factor(f: number): string {
  return f >= 100 || f < 0.01 ? `×${f.toExponential(1)}` : `×${f.toFixed(2)}`;
}

/** ‖∂L/∂h_t‖ per timestep on a log axis labelled in decades, fixed for the walk (it only widens). */
function Bars({ walk, color }: { walk: BpttWalk; color: string }) {
  const { norms, T, t: current } = walk;
  const decades = walk.decades;
  if (!decades) return null;
  const w = 100 / T;
  const y = (v: number) => HEIGHT - decadeFraction(decades, v) * HEIGHT;
  const ticks = decadeTicks(decades);
  return (
    <div className="bptt-chart" data-decades={`${decades[0]} ${decades[1]}`}>
      <div className="bptt-y-title muted small">‖∂L/∂h<sub>t</sub>‖, log scale</div>
      <div className="bptt-plot">
        <div className="bptt-y-axis" style={{ height: HEIGHT }}>
          {ticks.map((d) => (
            <span key={d} style={{ top: y(10 ** d) }} data-testid="bptt-tick">
              {decadeLabel(d)}
            </span>
          ))}
        </div>
        <svg viewBox={`0 0 100 ${HEIGHT}`} preserveAspectRatio="none" width="100%" height={HEIGHT} role="img" aria-label="gradient norm by timestep, log scale">
          {ticks.map((d) => (
            <line key={d} x1={0} x2={100} y1={y(10 ** d)} y2={y(10 ** d)} className="bptt-grid" vectorEffect="non-scaling-stroke" />
          ))}
          {Array.from(norms, (v, t) => {
            if (!(v > 0 && Number.isFinite(v))) return null;
            const top = y(v);
            const after = t < T - 1 ? norms[t + 1] : NaN;
            const how = after > 0 ? `, ${factor(v / after)} from t = ${t + 1}` : '';
            return (
              <rect key={t} x={t * w + w * 0.1} width={w * 0.8} y={top} height={Math.max(1, HEIGHT - top)} fill={color} opacity={t === current ? 1 : 0.55}>
                <title>{`t = ${t}: ${v.toExponential(2)}${how}`}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      <div className="bptt-x-axis muted small">
        <span>t = 0</span>
        <span>timestep (the walk runs right to left)</span>
        <span>t = {T - 1}</span>
      </div>
    </div>
  );
}

function UnitRow({ dh, t }: { dh: Float32Array; t: number }) {
  const scale = Math.max(...Array.from(dh, Math.abs), 1e-30);
  return (
    <>
      <div className="muted small" data-testid="bptt-units-label">
        ∂L/∂h<sub>{t}</sub> by hidden unit, scaled to its largest (|{scale.toExponential(1)}|): red &lt; 0 &lt; blue
      </div>
      <UnitCells dh={dh} scale={scale} />
    </>
  );
}

function UnitCells({ dh, scale }: { dh: Float32Array; scale: number }) {
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
  const mean = walk ? meanStepFactor(walk.norms, walk.t) : null;
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
              {walk.t < walk.T - 1 && Number.isFinite(walk.norms[walk.t + 1]) ? ` (${factor(walk.norms[walk.t] / walk.norms[walk.t + 1])} from t+1)` : ''}
              {mean !== null ? `; ${factor(mean)} per step on average since t = ${walk.T - 1}` : ''}
              {walk.done ? ' · reached t = 0' : ''}
            </span>
          </p>
          <Bars walk={walk} color={first.color} />
          <UnitRow dh={walk.dh} t={walk.t} />
        </div>
      )}
    </ViewPanel>
  );
}
