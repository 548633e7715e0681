// Training and validation loss per model, each in its model's colour (training solid, validation
// dashed: ./lossSeries.ts), with every model's first and latest losses in the legend. Long runs
// are drawn as bucket means (≤ 200 points), redrawn at most four times a second, on canvas. A model
// whose validation loss rises while its training loss falls gets a notice and its best validation
// step marked (./overfitting.ts).

import { useMemo } from 'react';
import { lossTable } from '../export/chartCsv';
import { useStore } from '../store';
import { telemetry, type ModelTelemetry } from '../telemetry';
import { bucketMean, buckets } from '../telemetry/ring';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { LegendSwatch, LineCanvas, type LineMark } from './LineCanvas';
import { detectOverfitting, overfittingNotice } from './overfitting';
import { lossLegend, lossSeries, VALIDATION_DASH, type LossCurves, type LossPoint } from './lossSeries';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

const POINTS = 200;

function trainCurve(t: ModelTelemetry, log: boolean): LossPoint[] {
  return buckets(t.steps.length, POINTS)
    .map(([a, b]) => ({ step: t.steps.get(b - 1), loss: bucketMean(t.loss, a, b) }))
    .filter((p) => Number.isFinite(p.loss) && (!log || p.loss > 0));
}

function validationCurve(t: ModelTelemetry, log: boolean): LossPoint[] {
  return buckets(t.valSteps.length, POINTS)
    .map(([a, b]) => ({ step: t.valSteps.get(b - 1), loss: bucketMean(t.valLoss, a, b) }))
    .filter((p) => Number.isFinite(p.loss) && (!log || p.loss > 0));
}

const fmt = (v: number) => v.toPrecision(3);

export function LossView() {
  const log = useStore((s) => s.logLoss);
  const setView = useStore((s) => s.setView);
  const configured = useStore((s) => s.configured);
  const models = useRunModels();
  const lossKind = useStore((s) => s.summary?.loss ?? 'loss');
  const version = useTelemetryVersion(250);
  const curves = useMemo(
    () =>
      models.map((m): LossCurves => {
        const t = telemetry.models.get(m.id);
        const validation = configured?.find((c) => c.id === m.id)?.validation ?? true;
        return { id: m.id, label: m.label, color: m.color, train: t ? trainCurve(t, log) : [], val: t ? validationCurve(t, log) : [], validation };
      }),
    // version: the rings changed in place
    [models, configured, log, version],
  );
  // Each model that is memorising: a notice under the chart, its best validation step marked on it.
  const overfits = useMemo(
    () =>
      models.flatMap((m) => {
        const t = telemetry.models.get(m.id);
        const o = t ? detectOverfitting(t.steps, t.loss, t.valSteps, t.valLoss) : null;
        return o ? [{ id: m.id, color: m.color, o, text: overfittingNotice(m.label, o) }] : [];
      }),
    // version: the rings changed in place
    [models, version],
  );
  const marks: LineMark[] = overfits.map((f) => ({ x: f.o.best.step, y: f.o.best.loss, color: f.color, label: `best validation, step ${f.o.best.step}` }));
  const empty = curves.every((c) => c.train.length === 0) ? 'No steps yet: press ▶ Play (space) or Step (→).' : null;
  // First and latest raw losses of each model (the curves themselves are bucket means).
  const legend = lossLegend(curves, (id) => {
    const t = telemetry.models.get(id);
    return { train: t && t.loss.length > 0 ? { from: t.loss.get(0), to: t.loss.last(), at: t.steps.last() } : null, val: t && t.valLoss.length > 0 ? { from: t.valLoss.get(0), to: t.valLoss.last(), at: t.valSteps.last() } : null };
  });
  return (
    <ViewPanel
      title="Loss"
      testId="view-loss"
      empty={empty}
      exportAs={{ name: 'loss', csv: () => lossCsv(models, configured, lossKind) }}
      actions={
        <label className="check small">
          <input type="checkbox" checked={log} onChange={(e) => setView({ logLoss: e.target.checked })} /> log scale
        </label>
      }
    >
      <LineCanvas height={220} logY={log} series={lossSeries(curves)} legend={false} marks={marks} yFormat={(v) => (log ? v.toExponential(0) : v.toPrecision(3))} />
      {overfits.map((f) => (
        <p key={f.id} className="hint warn small" data-testid={`overfitting-${f.id}`} data-best-step={f.o.best.step}>
          {f.text}
        </p>
      ))}
      <ul className="loss-legend small">
        {legend.map((e) => (
          <li key={e.id} data-testid={`loss-span-${e.id}`} data-first={e.train?.from} data-last={e.train?.to} data-last-step={e.train?.at} data-val-first={e.val !== 'none' ? e.val?.from : undefined} data-val-last={e.val !== 'none' ? e.val?.to : undefined} data-val-last-step={e.val !== 'none' ? e.val?.at : undefined}>
            <strong style={{ color: e.color }}>{e.label}</strong>
            <span>
              <LegendSwatch color={e.color} /> train {e.train ? `${fmt(e.train.from)} → ${fmt(e.train.to)}` : '–'}
            </span>
            <span>
              <LegendSwatch color={e.color} dash={VALIDATION_DASH} /> {e.val === 'none' ? 'no validation' : `validation ${e.val ? `${fmt(e.val.from)} → ${fmt(e.val.to)}` : '–'}`}
            </span>
          </li>
        ))}
      </ul>
    </ViewPanel>
  );
}

/** Every kept step's loss of every model, unaveraged (the chart draws bucket means). */
function lossCsv(models: ReturnType<typeof useRunModels>, configured: Array<{ id: string; validation?: boolean }> | null, lossKind: string) {
  const empty = { length: 0, get: () => NaN };
  return lossTable(
    models.map((m) => {
      const t = telemetry.models.get(m.id);
      const validation = configured?.find((c) => c.id === m.id)?.validation ?? true;
      return { id: m.id, label: m.label, steps: t?.steps ?? empty, loss: t?.loss ?? empty, valSteps: t?.valSteps ?? empty, valLoss: t?.valLoss ?? empty, validation };
    }),
    lossKind,
  );
}
