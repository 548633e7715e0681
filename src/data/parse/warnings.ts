// Warning messages shared by the table parsers and the fixes.

import type { DataWarning } from '../errors';

export interface MissingInColumn {
  name: string;
  count: number;
  /** Line number (1-based) or JSON item index of the first missing value. */
  firstRef: number;
}

export function refText(kind: 'line' | 'item', ref: number): string {
  return kind === 'line' ? `line ${ref}` : `item [${ref}]`;
}

/** E.g. `sales.csv: 3 missing values: 2 in column "price" (first on line 14), 1 in column "qty" (on line 20). Drop ... */
export function missingWarning(file: string, cols: MissingInColumn[], kind: 'line' | 'item'): DataWarning {
  const total = cols.reduce((s, c) => s + c.count, 0);
  const on = kind === 'line' ? 'on' : 'at';
  const parts = cols.map(
    (c) =>
      `${c.count} in column ${JSON.stringify(c.name)} (${c.count === 1 ? '' : 'first '}${on} ${refText(kind, c.firstRef)})`,
  );
  return {
    code: 'missing-values',
    message:
      `${file}: ${total} missing value${total === 1 ? '' : 's'}: ${parts.join(', ')}. ` +
      'Drop the rows that have them, or fill forward (repeat the last value before each gap).',
    fixes: ['drop-rows', 'fill-forward'],
    columns: cols.map((c) => c.name),
  };
}
