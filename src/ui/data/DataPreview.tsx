// What the worker made of the data: a line, a chart, the first rows and per-column statistics.

import { useDeferredValue } from 'react';
import { NumberField, SelectField } from '../fields';
import { FitNoteLine } from '../SettingError';
import { useStore } from '../store';
import { ColumnTable } from './ColumnTable';
import { SeriesChart } from './SeriesChart';
import { ShapeControls } from './ShapeControls';

/** The first validation row of a table of n rows, as the worker splits it (src/data/prep.ts splitIndex), or null. */
function validationStart(n: number, share: number): number | null {
  const start = Math.max(0, Math.min(n, Math.round(n * (1 - share))));
  return share > 0 && start < n ? start : null;
}

export function DataPreview() {
  const summary = useStore((s) => s.summary);
  const choice = useStore((s) => s.choice);
  const setChoice = useStore((s) => s.setChoice);
  const fittedShare = useStore((s) => s.fitNotes.find((n) => n.field === 'validationFraction')?.used);
  const noValidation = useStore((s) => s.noValidation);
  // The chart is the costly part: drawn in a deferred (interruptible) render, so a new dataset's
  // message from the worker does not hold the main thread while recharts lays out its lines.
  const chartSummary = useDeferredValue(summary);
  if (!summary) return null;
  const { header, rows } = summary.preview;
  return (
    <div className="data-preview" data-testid="data-preview">
      <p className="summary-line">
        <strong>{summary.name}</strong> · {summary.length.toLocaleString()} {summary.kind === 'tokens' ? 'tokens' : 'steps'} · {summary.task} · {summary.loss === 'mse' ? 'MSE' : 'cross-entropy'}
        {summary.vocab && ` · ${summary.vocab.length} symbols`}
      </p>
      {summary.description && <p className="muted small">{summary.description}</p>}
      {summary.warnings.map((w) => (
        <p key={w} className="warn small">⚠ {w}</p>
      ))}
      {summary.layout && <ShapeControls layout={summary.layout} />}
      {summary.kind === 'tokens' ? (
        <pre className="text-preview" data-testid="text-preview">{summary.preview.rows[0]?.[0]?.slice(0, 400)}</pre>
      ) : (
        chartSummary &&
        chartSummary.kind !== 'tokens' && (
          <SeriesChart summary={chartSummary} validationStart={chartSummary.kind === 'table' && noValidation === null ? validationStart(chartSummary.length, fittedShare ?? choice.validationFraction) : null} />
        )
      )}
      {rows.length > 0 && summary.kind !== 'tokens' && (
        <details>
          <summary>First rows</summary>
          <div className="table-scroll">
            <table className="rows" data-testid="preview-rows">
              <thead>
                <tr>{header.map((h, i) => <th key={i}>{h}</th>)}</tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
      {summary.columns.length > 0 && <ColumnTable summary={summary} />}
      {summary.kind === 'table' && summary.columns.some((c) => c.missing > 0) && (
        <SelectField
          label="Missing values"
          testId="missing-choice"
          value={choice.missing}
          options={[
            { value: 'ffill', label: 'fill forward (repeat the last value)' },
            { value: 'drop', label: 'drop the rows that have them' },
            { value: 'none', label: 'leave them (training refuses)' },
          ]}
          onChange={(missing) => setChoice({ missing })}
        />
      )}
      {summary.kind === 'table' && (
        <div className="row2">
          <SelectField
            label="Normalise"
            value={choice.normalize}
            options={[
              { value: 'zscore', label: 'z-score' },
              { value: 'minmax', label: 'min–max' },
              { value: 'changes', label: 'changes (z-scored; for trends)' },
              { value: 'none', label: 'none' },
            ]}
            onChange={(normalize) => setChoice({ normalize })}
          />
          <NumberField label="Validation share" value={choice.validationFraction} min={0} max={0.5} step={0.05} onChange={(validationFraction) => setChoice({ validationFraction })} />
        </div>
      )}
      {summary.kind === 'table' && <FitNoteLine field="validationFraction" />}
      {summary.kind === 'table' && noValidation && fittedShare === undefined && (
        <p className="hint warn" data-testid="no-validation">
          No validation loss: {noValidation}
        </p>
      )}
    </div>
  );
}
