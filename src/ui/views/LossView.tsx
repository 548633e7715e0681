// Training and validation loss per model. Long runs are drawn as bucket means (≤ 200 points),
// redrawn at most four times a second, on canvas (see LineCanvas).

import { useMemo } from 'react';
import { useStore } from '../store';
import { telemetry, type ModelTelemetry } from '../telemetry';
import { bucketMean, buckets } from '../telemetry/ring';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { LineCanvas, type LineSeries } from './LineCanvas';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

const POINTS = 200;

interface Point {
  step: number;
  loss: number;
}

function trainCurve(t: ModelTelemetry, log: boolean): Point[] {
  return buckets(t.steps.length, POINTS)
    .map(([a, b]) => ({ step: t.steps.get(b - 1), loss: bucketMean(t.loss, a, b) }))
    .filter((p) => Number.isFinite(p.loss) && (!log || p.loss > 0));
}

function validationCurve(t: ModelTelemetry, log: boolean): Point[] {
  return buckets(t.valSteps.length, POINTS)
    .map(([a, b]) => ({ step: t.valSteps.get(b - 1), loss: bucketMean(t.valLoss, a, b) }))
    .filter((p) => Number.isFinite(p.loss) && (!log || p.loss > 0));
}

export function LossView() {
  const log = useStore((s) => s.logLoss);
  const setView = useStore((s) => s.setView);
  const models = useRunModels();
  const version = useTelemetryVersion(250);
  const curves = useMemo(
    () =>
      models.map((m) => {
        const t = telemetry.models.get(m.id);
        return { model: m, train: t ? trainCurve(t, log) : [], val: t ? validationCurve(t, log) : [] };
      }),
    // version: the rings changed in place
    [models, log, version],
  );
  const lines: LineSeries[] = curves.flatMap(({ model, train, val }) => [
    { name: `${model.label} train`, color: model.color, xs: train.map((p) => p.step), ys: train.map((p) => p.loss) },
    { name: `${model.label} validation`, color: model.color, dash: [4, 3], xs: val.map((p) => p.step), ys: val.map((p) => p.loss) },
  ]);
  const empty = curves.every((c) => c.train.length === 0) ? 'No steps yet: press ▶ Play (space) or Step (→).' : null;
  // First and latest raw losses of the first model (the curve itself is bucket means).
  const first = curves[0] ? telemetry.models.get(curves[0].model.id) : undefined;
  const span = first && first.loss.length > 0 ? { from: first.loss.get(0), to: first.loss.last() } : null;
  const valSpan = first && first.valLoss.length > 0 ? { from: first.valLoss.get(0), to: first.valLoss.last() } : null;
  return (
    <ViewPanel
      title="Loss"
      testId="view-loss"
      empty={empty}
      actions={
        <>
          {span && (
            <span className="muted small" data-testid="loss-span" data-first={span.from} data-last={span.to} data-val-first={valSpan?.from} data-val-last={valSpan?.to}>
              {span.from.toPrecision(3)} → {span.to.toPrecision(3)}
            </span>
          )}
          <label className="check small">
            <input type="checkbox" checked={log} onChange={(e) => setView({ logLoss: e.target.checked })} /> log scale
          </label>
        </>
      }
    >
      <LineCanvas height={220} logY={log} series={lines} yFormat={(v) => (log ? v.toExponential(0) : v.toPrecision(3))} />
    </ViewPanel>
  );
}
