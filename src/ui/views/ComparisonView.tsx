// The models of the run side by side, one row each: size, speed, training loss now, the best
// validation loss and when it came, the last backtest's errors in the data's units, and the
// leader marked (./comparison.ts decides it). Shown for one model too: its numbers still tell.

import { comparisonTable } from '../export/chartCsv';
import { useStore } from '../store';
import { telemetry } from '../telemetry';
import { useTelemetryVersion } from '../telemetry/useTelemetry';
import { bestValidation, leader, recentMean } from './comparison';
import { formatValue } from './forecastChart';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

/** Steps the "train loss" column averages over. */
const RECENT_STEPS = 20;

const loss = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toPrecision(3));

export function ComparisonView() {
  useTelemetryVersion(500);
  const models = useRunModels();
  const configured = useStore((s) => s.configured);
  const table = useStore((s) => s.summary?.kind === 'table');
  if (models.length === 0) return null;
  const rows = models.map((m) => {
    const t = telemetry.models.get(m.id);
    const built = configured?.find((c) => c.id === m.id);
    const best = t ? bestValidation(t.valSteps, t.valLoss) : null;
    return {
      model: m,
      parameters: built?.parameters ?? null,
      validation: built?.validation ?? true,
      msPerStep: t && t.msPerStep > 0 ? t.msPerStep : null,
      trainLoss: t ? recentMean(t.loss, RECENT_STEPS) : NaN,
      best,
      backtest: t?.backtest ?? null,
    };
  });
  const lead = leader(
    rows.map((r) => ({ id: r.model.id, bestLoss: r.best?.loss ?? null, mae: r.backtest?.mae ?? null })),
    table,
  );
  const csv = () =>
    comparisonTable(
      rows.map((r) => ({ ...r, label: r.model.label, leader: lead?.id === r.model.id })),
      table,
      RECENT_STEPS,
    );
  return (
    <ViewPanel title={models.length > 1 ? 'Comparison' : 'The model in numbers'} testId="view-comparison" wide exportAs={{ name: 'comparison', csv, png: false }}>
      <table className="comparison" data-testid="comparison-table">
        <thead>
          <tr>
            <th>model</th>
            <th>parameters</th>
            <th>ms / step</th>
            <th title={`Mean of the last ${RECENT_STEPS} steps`}>train loss</th>
            <th>best validation loss (step)</th>
            {table && <th title="The last backtest, in the data's own units">backtest MAE</th>}
            {table && <th>backtest RMSE</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const leads = lead?.id === r.model.id;
            return (
              <tr key={r.model.id} data-testid={`comparison-${r.model.id}`} data-leader={leads || undefined} className={leads ? 'leader' : undefined}>
                <th style={{ color: r.model.color }}>
                  {r.model.label}
                  {leads && <span title={`Leads by ${lead!.by}`}> ★</span>}
                </th>
                <td>{r.parameters?.toLocaleString('en-US') ?? '–'}</td>
                <td>{r.msPerStep === null ? '–' : r.msPerStep.toFixed(r.msPerStep < 10 ? 2 : 1)}</td>
                <td>{loss(r.trainLoss)}</td>
                <td>{r.validation ? (r.best ? `${loss(r.best.loss)} (${r.best.step})` : '–') : 'no validation'}</td>
                {table && <td title={r.backtest ? `step ${r.backtest.step}, last ${r.backtest.forecast.length} rows, ${r.backtest.column}` : undefined}>{formatValue(r.backtest?.mae ?? null)}</td>}
                {table && <td>{formatValue(r.backtest?.rmse ?? null)}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
      {lead && (
        <p className="muted small" data-testid="comparison-leader">
          ★ leads by the lowest {lead.by === 'backtest MAE' ? 'backtest MAE (every model backtested)' : 'best validation loss'}.
        </p>
      )}
    </ViewPanel>
  );
}
