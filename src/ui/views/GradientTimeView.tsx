// The vanishing-gradient view: ‖∂L/∂h_t‖ against how far back t lies from the end of the window
// (T-1-t), on a log scale, one chart per model on a shared scale. A tanh RNN's curve falls off a
// cliff; an LSTM's stays up. Earlier snapshots of the curve are drawn faded, the first one probed
// (the initialisation's) always among them. Each chart carries the far-to-last ratio of the
// current curve in data-far-ratio, for the lessons' browser tests.

import { useMemo } from 'react';
import { gradTimeTable } from '../export/chartCsv';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { LineCanvas } from './LineCanvas';
import { useRunModels, type RunModel } from './runModels';
import { ViewPanel } from './ViewPanel';

interface Curve {
  step: number;
  points: Array<{ back: number; norm: number }>;
  opacity: number;
  /** Steps whose gradient is exactly zero (no loss reaches them): left off the log axis. */
  zeros: number;
}

function zeros(norms: Float32Array): number {
  return norms.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
}

/** Points by distance back in time; zeros and non-finite values cannot sit on a log axis. */
function byDistance(norms: Float32Array): Curve['points'] {
  const T = norms.length;
  const out: Curve['points'] = [];
  for (let t = T - 1; t >= 0; t--) if (norms[t] > 0 && Number.isFinite(norms[t])) out.push({ back: T - 1 - t, norm: norms[t] });
  return out;
}

/** ‖∂L/∂h₀‖ / ‖∂L/∂h_{T-1}‖ of a curve in time order: 0 when nothing reaches the first step. */
export function farRatio(norms: Float32Array): number {
  const last = norms[norms.length - 1];
  return norms.length > 1 && last > 0 ? norms[0] / last : NaN;
}

/** The gradient at the far end of the window relative to the last step: 1e-6 means it vanished. */
function decay(points: Curve['points']): string | null {
  if (points.length < 2) return null;
  const far = points[points.length - 1];
  return `${far.back} steps back: ×${(far.norm / points[0].norm).toExponential(1)}`;
}

function ModelCurves({ model, curves, domain, ratio }: { model: RunModel; curves: Curve[]; domain: [number, number]; ratio: number }) {
  const current = curves[curves.length - 1];
  return (
    <div className="small-multiple" data-testid={`gradtime-${model.id}`} data-step={current?.step ?? 0} data-far-ratio={Number.isNaN(ratio) ? '' : ratio}>
      <p className="small-title" style={{ color: model.color }}>
        {model.label} <span className="muted">{current ? `step ${current.step} · ${decay(current.points) ?? ''}${current.zeros ? ` · ${current.zeros} steps at exactly 0, not drawn` : ''}` : ''}</span>
      </p>
      <LineCanvas
        height={190}
        logY
        yDomain={domain}
        xLabel="steps back (T-1-t)"
        legend={false}
        series={curves.map((c) => ({ name: `step ${c.step}`, color: model.color, opacity: c.opacity, width: c.opacity === 1 ? 2 : 1, xs: c.points.map((p) => p.back), ys: c.points.map((p) => p.norm) }))}
      />
    </div>
  );
}

export function GradientTimeView() {
  const models = useRunModels();
  const version = useTelemetryVersion(300);
  const perModel = useMemo(
    () =>
      models.map((m) => {
        const t = telemetry.models.get(m.id);
        const curves: Curve[] = [];
        let ratio = NaN;
        if (t?.probe && t.probe.gradNormByTime.length > 0) {
          const kept = t.first && !t.snapshots.some((s) => s.step === t.first!.step) ? [t.first, ...t.snapshots] : t.snapshots;
          const earlier = kept.filter((s) => s.step < t.probe!.step);
          earlier.forEach((s, i) => curves.push({ step: s.step, points: byDistance(s.curve), opacity: 0.15 + (0.4 * (i + 1)) / (earlier.length + 1), zeros: 0 }));
          curves.push({ step: t.probe.step, points: byDistance(t.probe.gradNormByTime), opacity: 1, zeros: zeros(t.probe.gradNormByTime) });
          ratio = farRatio(t.probe.gradNormByTime);
        }
        return { model: m, curves, ratio };
      }),
    // version: new probes arrived
    [models, version],
  );
  const domain = useMemo((): [number, number] => {
    let lo = Infinity;
    let hi = 0;
    for (const { curves } of perModel) for (const c of curves) for (const p of c.points) {
      lo = Math.min(lo, p.norm);
      hi = Math.max(hi, p.norm);
    }
    if (!(hi > 0)) return [1e-6, 1];
    return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
  }, [perModel]);
  const empty = perModel.every((p) => p.curves.length === 0) ? 'The gradient reaching each time step appears after the first training step.' : null;
  return (
    <ViewPanel title="Gradient through time ‖∂L/∂hₜ‖" testId="view-gradtime" empty={empty} wide exportAs={{ name: 'gradient-through-time', csv: () => gradTimeTable(models.map(rawCurves)) }}>
      <div className="multiples">
        {perModel.map(({ model, curves, ratio }) => (
          <ModelCurves key={model.id} model={model} curves={curves} domain={domain} ratio={ratio} />
        ))}
      </div>
    </ViewPanel>
  );
}

/** A model's probed curves as they came (zeros included), the earlier snapshots first, for the CSV. */
function rawCurves(m: RunModel) {
  const t = telemetry.models.get(m.id);
  const curves: Array<{ step: number; norms: Float32Array }> = [];
  if (t?.probe && t.probe.gradNormByTime.length > 0) {
    const kept = t.first && !t.snapshots.some((s) => s.step === t.first!.step) ? [t.first, ...t.snapshots] : t.snapshots;
    for (const s of kept) if (s.step < t.probe.step) curves.push({ step: s.step, norms: s.curve });
    curves.push({ step: t.probe.step, norms: t.probe.gradNormByTime });
  }
  return { id: m.id, label: m.label, curves };
}
