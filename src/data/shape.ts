// A loaded table read as the person means it, before any choice of inputs: which column is time
// (./timeAxis.ts), what each column is for (./columnRoles.ts), and for a long-format file which
// key splits it into series (./longFormat.ts). The worker applies the page's DataShape to the
// parsed file; the result is the table the run trains on and what the data panel shows of it.

import { analyzeTable, type ColumnInfo, type TableLayout } from './columnRoles';
import { DataError, type DataWarning } from './errors';
import { pivotLong, type KeyColumn } from './longFormat';
import type { DataShape } from './source';
import type { TimeAxis } from './timeAxis';
import type { Dataset, TableDataset } from './types';

export const AUTO_SHAPE: DataShape = { time: 'auto', key: 'auto', keys: [] };

/** What was made of a table: the shape actually applied (no 'auto' left) and the layout behind it. */
export interface ShapedLayout {
  applied: DataShape;
  /** The columns of the table as read (before a pivot), with their roles. */
  columns: ColumnInfo[];
  timeCandidates: Array<{ column: string; described: string }>;
  keyCandidates: KeyColumn[];
  /** The time axis of the table the run trains on (after a pivot: one time per row). */
  time: TimeAxis | null;
  /** Value columns of the table the run trains on: the default inputs; the last is the default target. */
  defaultInputs: string[];
  defaultTarget: string | null;
}

export interface Shaped {
  dataset: Dataset;
  /** null for text and ready-made sequences. */
  layout: ShapedLayout | null;
  warnings: DataWarning[];
}

function timeArg(shape: DataShape): string | null | undefined {
  if (shape.time === 'auto') return undefined;
  return shape.time === '' ? null : shape.time;
}

function hasColumn(ds: TableDataset, name: string): boolean {
  return ds.columns.some((c) => c.name === name) || ds.labels.some((l) => l.name === name);
}

/**
 * The table `asked` asks for. A column it names that this table does not have (a link made with
 * another file) is detected instead, with a warning; a column that is there but does not read as
 * time is an Error naming it.
 */
export function applyShape(ds: Dataset, asked: DataShape): Shaped {
  if (ds.kind !== 'table') return { dataset: ds, layout: null, warnings: [] };
  const absent = [asked.time, asked.key].filter((c) => c !== 'auto' && c !== '' && !hasColumn(ds, c));
  const shape: DataShape = {
    time: absent.includes(asked.time) ? 'auto' : asked.time,
    key: absent.includes(asked.key) ? 'auto' : asked.key,
    keys: asked.keys,
  };
  const shaped = shapeTable(ds, shape);
  if (absent.length === 0) return shaped;
  const note: DataWarning = { code: 'layout', message: `${ds.name} has no column ${absent.map((c) => `"${c}"`).join(' or ')}: the layout was detected instead.`, fixes: [], columns: absent };
  return { ...shaped, warnings: [note, ...shaped.warnings] };
}

function shapeTable(ds: TableDataset, shape: DataShape): Shaped {
  let layout: TableLayout;
  try {
    layout = analyzeTable(ds, timeArg(shape));
  } catch (error) {
    throw new DataError('bad-option', ds.name, `${ds.name}: ${(error as Error).message}`);
  }
  const keyCandidates = layout.keys;
  const keyName = shape.key === 'auto' ? (keyCandidates[0]?.name ?? '') : shape.key;
  const base = {
    columns: layout.columns,
    timeCandidates: layout.timeCandidates.map((t) => ({ column: t.column, described: t.described })),
    keyCandidates,
  };
  if (keyName === '') {
    return {
      dataset: ds,
      layout: { ...base, applied: { time: layout.time?.column ?? '', key: '', keys: [] }, time: layout.time, defaultInputs: layout.defaultInputs, defaultTarget: layout.defaultTarget },
      warnings: layout.time ? timeWarnings(ds, layout.time) : [],
    };
  }
  const key = keyCandidates.find((k) => k.name === keyName) ?? keyColumnOf(ds, keyName);
  // In the key's own order (first seen in the file), whatever order they were ticked in.
  const wanted = key.values.filter((v) => shape.keys.includes(v));
  const keys = wanted.length > 0 ? wanted : key.values.slice(0, 1);
  const pivot = pivotLong(ds, key.name, keys, layout.time);
  const pivoted = analyzeTable(pivot.table);
  const inputs = pivot.table.columns.map((c) => c.name).filter((n) => pivoted.defaultInputs.includes(n));
  const others = key.values.length - keys.length;
  const note: DataWarning = {
    code: 'layout',
    message:
      `${ds.name}: long format, ${key.values.length} series by ${key.name}; ` +
      (keys.length === 1 ? `taking ${keys[0]}` : `taking ${keys.length} of them as columns, aligned on ${layout.time ? layout.time.column : 'their order'}`) +
      (others > 0 ? ` (${others} more to choose from).` : '.'),
    fixes: [],
    columns: [key.name],
  };
  return {
    dataset: pivot.table,
    layout: {
      ...base,
      applied: { time: layout.time?.column ?? '', key: key.name, keys },
      time: pivot.time,
      defaultInputs: inputs,
      defaultTarget: inputs.length > 0 ? inputs[inputs.length - 1] : null,
    },
    warnings: [note, ...pivot.warnings],
  };
}

const DAY = 86_400_000;

/** A span of milliseconds in words at its scale: "3 days", "2 months". */
function span(ms: number): string {
  const [n, unit] = ms >= 360 * DAY ? [ms / (365.25 * DAY), 'year'] : ms >= 28 * DAY ? [ms / (30.44 * DAY), 'month'] : ms >= DAY ? [ms / DAY, 'day'] : ms >= 3_600_000 ? [ms / 3_600_000, 'hour'] : [ms / 60_000, 'minute'];
  const r = Math.round(n * 10) / 10;
  return `${r} ${unit}${r === 1 ? '' : 's'}`;
}

/**
 * What a wide table's time axis says about its rows: out of order, the same time twice, or steps
 * well over the usual spacing (a gap). Rows stay in file order either way; the person is told.
 */
export function timeWarnings(ds: TableDataset, time: TimeAxis): DataWarning[] {
  const ms = time.ms;
  const steps: number[] = [];
  let duplicates = 0;
  let backwards = 0;
  let firstDuplicate = -1;
  for (let i = 1; i < ms.length; i++) {
    if (!Number.isFinite(ms[i]) || !Number.isFinite(ms[i - 1])) continue;
    const d = ms[i] - ms[i - 1];
    if (d === 0) {
      duplicates++;
      if (firstDuplicate < 0) firstDuplicate = i;
    } else if (d < 0) backwards++;
    else steps.push(d);
  }
  const out: DataWarning[] = [];
  const where = (row: number) => (ds.rowRefKind === 'line' ? `line ${ds.rowRefs[row]}` : `item ${ds.rowRefs[row]}`);
  if (backwards > 0) out.push({ code: 'layout', message: `${ds.name}: ${time.column} goes back in time ${backwards} time${backwards === 1 ? '' : 's'}; rows are kept in file order. Sort the file by ${time.column} if that is not meant.`, fixes: [], columns: [time.column] });
  if (duplicates > 0) out.push({ code: 'layout', message: `${ds.name}: ${duplicates} row${duplicates === 1 ? ' has' : 's have'} the same ${time.column} as the row before (first at ${where(firstDuplicate)}). If the file holds several series, choose the column that tells them apart.`, fixes: [], columns: [time.column] });
  if (steps.length >= 4) {
    const sorted = [...steps].sort((a, b) => a - b);
    const usual = sorted[Math.floor(sorted.length / 2)];
    // Months and years vary in length: a gap is a step of more than 1.5 usual ones.
    const gaps = steps.filter((d) => d > 1.5 * usual).length;
    if (gaps > 0) out.push({ code: 'layout', message: `${ds.name}: ${gaps} gap${gaps === 1 ? '' : 's'} in ${time.column}, where the usual step is ${span(usual)}; the model sees the rows side by side as if none were missing.`, fixes: [], columns: [time.column] });
  }
  return out;
}

/** A key the person named that detection did not offer: its values in first-seen order, or an Error. */
function keyColumnOf(ds: TableDataset, name: string): KeyColumn {
  const label = ds.labels.find((l) => l.name === name);
  if (!label) throw new DataError('bad-option', ds.name, `${ds.name}: there is no text column "${name}" to split the series by.`);
  const counts = new Map<string, number>();
  for (const v of label.values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return { name, values: [...counts.keys()], rows: [...counts.values()] };
}
