// How the loaded table is read: which column is time (the x axis of every chart), and for a
// long-format file (symbol,date,price) which key splits it into series and which series are
// taken: one, several as channels, or all of them pivoted to one column each. Each change asks
// the worker to read the file again that way (engine.reshapeData).

import type { DataSummary } from '../../worker/protocol';
import { reshapeData } from '../engine';
import { SelectField } from '../fields';

type Layout = NonNullable<DataSummary['layout']>;

export function ShapeControls({ layout }: { layout: Layout }) {
  const { applied, timeCandidates, keyCandidates } = layout;
  const key = keyCandidates.find((k) => k.name === applied.key) ?? null;
  const timeOptions = [
    ...timeCandidates.map((t) => ({ value: t.column, label: `${t.column}: ${t.described}` })),
    { value: '', label: 'none: rows in file order' },
  ];
  const keyOptions = [...keyCandidates.map((k) => ({ value: k.name, label: `${k.name} (${k.values.length} series)` })), { value: '', label: 'none: the table as it is' }];
  const toggle = (value: string, on: boolean) => {
    const keys = on ? [...applied.keys, value] : applied.keys.filter((k) => k !== value);
    if (keys.length > 0) reshapeData({ key: applied.key, keys: key ? key.values.filter((v) => keys.includes(v)) : keys });
  };
  return (
    <div className="shape-controls" data-testid="shape-controls">
      {timeCandidates.length > 0 && (
        <SelectField label="Time column" testId="time-column" value={applied.time} options={timeOptions} hint="the x axis of every chart" onChange={(time) => reshapeData({ time })} />
      )}
      {keyCandidates.length > 0 && (
        <SelectField
          label="Long format: series by"
          testId="key-column"
          value={applied.key}
          options={keyOptions}
          hint="a text column whose values repeat: each value is one series"
          onChange={(k) => reshapeData({ key: k, keys: [] })}
        />
      )}
      {key && (
        <fieldset className="key-values" data-testid="key-values">
          <legend>
            Series taken ({applied.keys.length} of {key.values.length}): one, or several side by side as input columns
          </legend>
          <div className="key-list">
            {key.values.map((v, i) => (
              <label key={v} className="check">
                <input type="checkbox" aria-label={`series ${v}`} checked={applied.keys.includes(v)} disabled={applied.keys.length === 1 && applied.keys[0] === v} onChange={(e) => toggle(v, e.target.checked)} />
                {v} <span className="muted">({key.rows[i]} rows)</span>
              </label>
            ))}
          </div>
          {key.values.length > 1 && (
            <div className="key-actions">
              <button type="button" className="link" data-testid="keys-all" onClick={() => reshapeData({ key: applied.key, keys: key.values })}>
                all, one column each
              </button>{' '}
              ·{' '}
              <button type="button" className="link" onClick={() => reshapeData({ key: applied.key, keys: key.values.slice(0, 1) })}>
                just the first
              </button>
            </div>
          )}
        </fieldset>
      )}
    </div>
  );
}
