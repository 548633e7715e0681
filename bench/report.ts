// The results table, as text, the same in the terminal, the page and bench/RESULTS.md.

import type { BenchRow } from './suite';

export interface ReportMeta {
  /** "browser (Chromium 156, WebGPU)" or "node (Dawn)" */
  environment: string;
  adapter: string;
  profile: string;
  reason: string;
  date: string;
  /** Peer name, or why there is none. */
  peer: string;
}

function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  if (x === 0) return '0';
  if (Math.abs(x) >= 10 ** digits) return x.toFixed(0);
  return x.toPrecision(digits);
}

/** (slowest - fastest) / median of the timed passes: how far to trust the median. */
function spread(row: BenchRow): string {
  if (!(row.ms > 0) || row.reps < 2) return '-';
  return `${Math.round((100 * (row.msMax - row.msMin)) / row.ms)}%`;
}

/** Long messages stay whole in the JSON; the table gets their start. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

export const COLUMNS = ['kernel', 'shape', 'ms', 'spread', 'rate', 'unit', 'GPU MiB', 'timing', 'batch x reps', 'check', 'peer', 'peer ms', 'ours/peer', 'note'] as const;

/** Buffers the case allocated, in MiB. */
function mebibytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
  return fmt(bytes / 2 ** 20, 3);
}

export function rowCells(row: BenchRow): string[] {
  if (row.error) return [row.case, row.shape, 'FAILED', '-', '-', '-', '-', '-', '-', clip(row.error.split('\n')[0], 80), '-', '-', '-', row.note ?? ''];
  return [
    row.case,
    row.shape,
    fmt(row.ms),
    spread(row),
    fmt(row.rate),
    row.unit ?? '-',
    mebibytes(row.memBytes),
    row.timing,
    `${row.batch} x ${row.reps}`,
    clip(row.check, 48),
    row.peer?.name ?? '-',
    fmt(row.peer?.ms),
    row.ratio !== undefined ? fmt(row.ratio, 3) : '-',
    row.note ?? '',
  ];
}

/** Right-aligned columns: ms, spread, rate, GPU MiB, peer ms, ours/peer. */
export const NUMERIC_COLUMNS = [2, 3, 4, 6, 11, 12];

/** A fixed-width table for the terminal. */
export function formatTable(rows: readonly BenchRow[]): string {
  const cells = [[...COLUMNS], ...rows.map(rowCells)];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const numeric = new Set(NUMERIC_COLUMNS);
  const line = (r: string[]) => r.map((v, c) => (numeric.has(c) ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The same table in Markdown, for bench/RESULTS.md. */
export function formatMarkdown(rows: readonly BenchRow[]): string {
  const head = `| ${COLUMNS.join(' | ')} |`;
  const rule = `| ${COLUMNS.map((_, c) => (NUMERIC_COLUMNS.includes(c) ? '---:' : '---')).join(' | ')} |`;
  return [head, rule, ...rows.map((r) => `| ${rowCells(r).join(' | ')} |`)].join('\n');
}

export function formatHeader(meta: ReportMeta): string {
  return [
    `Timestep bench, ${meta.environment}, ${meta.date}`,
    `adapter: ${meta.adapter}`,
    `profile: ${meta.profile} (${meta.reason})`,
    `peer: ${meta.peer}`,
    'ms: median per iteration (a training step, a scan); spread: (slowest - fastest pass) / median; rate: 2MNK/time (matmul), bytes read+written/time,',
    'training steps/s, scan elements (batch x d_inner x L, each with d_state states) or model tokens (batch x L) per second;',
    'GPU MiB: buffers the case allocated; ours/peer < 1: ours is faster.',
  ].join('\n');
}

export function formatReport(meta: ReportMeta, rows: readonly BenchRow[]): string {
  return `${formatHeader(meta)}\n\n${formatTable(rows)}\n`;
}

/** What a run leaves behind: window.__benchResults in the page, bench/results*.json on disk. */
export interface BenchResults {
  status: 'running' | 'done' | 'error';
  meta: ReportMeta;
  /** The machine the bench ran on, as far as the environment can tell. */
  machine: Record<string, string | number>;
  info: import('../src/gpu/device').GpuInfo | null;
  config: import('./suite').BenchConfig | null;
  rows: BenchRow[];
  /** The printed report (header and table). */
  text: string;
  error?: string;
  /** Progress lines, newest last. */
  log: string[];
}
