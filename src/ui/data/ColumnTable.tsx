// Per-column statistics, with the choice of which columns the model reads and which it predicts.

import type { DataSummary } from '../../worker/protocol';
import { useStore } from '../store';

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : v.toFixed(2);
}

function toggle(list: string[], name: string, on: boolean): string[] {
  return on ? [...list.filter((n) => n !== name), name] : list.filter((n) => n !== name);
}

export function ColumnTable({ summary }: { summary: DataSummary }) {
  const choice = useStore((s) => s.choice);
  const setChoice = useStore((s) => s.setChoice);
  const choosable = summary.kind === 'table';
  return (
    <table className="columns" data-testid="column-stats">
      <thead>
        <tr>
          <th>column</th>
          <th>min</th>
          <th>max</th>
          <th>mean</th>
          <th title="missing values">miss</th>
          {choosable && <th title="model input">in</th>}
          {choosable && <th title="prediction target">out</th>}
        </tr>
      </thead>
      <tbody>
        {summary.columns.map((c) => (
          <tr key={c.name}>
            <td className="name" title={c.name}>{c.name}</td>
            <td>{fmt(c.min)}</td>
            <td>{fmt(c.max)}</td>
            <td>{fmt(c.mean)}</td>
            <td className={c.missing > 0 ? 'warn' : ''}>{c.missing}</td>
            {choosable && (
              <td>
                <input
                  type="checkbox"
                  aria-label={`${c.name} as input`}
                  checked={choice.inputColumns.includes(c.name)}
                  disabled={choice.inputColumns.length === 1 && choice.inputColumns[0] === c.name}
                  onChange={(e) => setChoice({ inputColumns: toggle(choice.inputColumns, c.name, e.target.checked) })}
                />
              </td>
            )}
            {choosable && (
              <td>
                <input
                  type="checkbox"
                  aria-label={`${c.name} as target`}
                  checked={choice.targetColumns.includes(c.name)}
                  disabled={choice.targetColumns.length === 1 && choice.targetColumns[0] === c.name}
                  onChange={(e) => setChoice({ targetColumns: toggle(choice.targetColumns, c.name, e.target.checked) })}
                />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
