// Per-column statistics, with the choice of which columns the model reads and which it predicts,
// and what each column is for: time, an identifier, a long-format key, a measurement, or text.
// Only measurements are offered as inputs and targets by default; the column says why not.

import type { DataSummary } from '../../worker/protocol';
import { useStore } from '../store';

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : v.toFixed(2);
}

function toggle(list: string[], name: string, on: boolean): string[] {
  return on ? [...list.filter((n) => n !== name), name] : list.filter((n) => n !== name);
}

type Role = NonNullable<DataSummary['layout']>['columns'][number];

const ROLE_NAMES: Record<Role['role'], string> = { time: 'time', index: 'id', key: 'key', value: 'value', label: 'text' };

export function ColumnTable({ summary }: { summary: DataSummary }) {
  const choice = useStore((s) => s.choice);
  const setChoice = useStore((s) => s.setChoice);
  const choosable = summary.kind === 'table';
  const roles = new Map((summary.layout?.columns ?? []).map((c) => [c.name, c]));
  const numeric = new Set(summary.columns.map((c) => c.name));
  // Columns that are not trained on (time, keys, text) are listed below the numeric ones, with why.
  const others = (summary.layout?.columns ?? []).filter((c) => !numeric.has(c.name) && (c.role !== 'value' || !c.numeric));
  const span = choosable ? 7 : 5;
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
        {summary.columns.map((c) => {
          const role = roles.get(c.name);
          return (
            <tr key={c.name} data-role={role?.role ?? 'value'}>
              <td className="name" title={role ? `${c.name}: ${role.reason}` : c.name}>
                {c.name}
                {role && role.role !== 'value' && <span className="role" title={role.reason}>{ROLE_NAMES[role.role]}</span>}
              </td>
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
          );
        })}
        {summary.columns
          .map((c) => roles.get(c.name))
          .filter((r): r is Role => r !== undefined && r.role !== 'value')
          .map((r) => (
            <tr key={`why-${r.name}`} className="why">
              <td colSpan={span}>
                {r.name}: {r.reason}
              </td>
            </tr>
          ))}
        {others.map((r) => (
          <tr key={`other-${r.name}`} className="why" data-role={r.role}>
            <td colSpan={span}>
              <span className="role">{ROLE_NAMES[r.role]}</span> {r.name}: {r.reason}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
