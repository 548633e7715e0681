// One prediction per sequence (many-to-one tasks such as the adding problem): the target and each
// model's answer as numbers, since a chart of a single point says nothing.

import type { RunModel } from './runModels';

export function ScalarPredictions({ row, models }: { row: Record<string, number>; models: RunModel[] }) {
  return (
    <table className="scalar-predictions" data-testid="scalar-predictions">
      <thead>
        <tr>
          <th />
          <th>answer</th>
          <th>error</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <th>target</th>
          <td>{row.target?.toFixed(4) ?? '–'}</td>
          <td />
        </tr>
        {models.map((m) => (
          <tr key={m.id}>
            <th style={{ color: m.color }}>{m.label}</th>
            <td>{row[m.id]?.toFixed(4) ?? '–'}</td>
            <td>{row[m.id] !== undefined && row.target !== undefined ? (row[m.id] - row.target).toFixed(4) : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
