// How the parallel scan (Mamba's selective scan, minGRU's and minLSTM's linear recurrence) covers a sequence: the schedule the GPU kernel runs for this run's
// sequence length (src/kernels/scanLevels.ts): each thread's serial run of steps, then the levels
// at which threads combine partial results, then the carry between chunks. Hovering a thread
// shows every combination its result depends on: after the last level it holds runs 0..i.

import { useMemo, useState } from 'react';
import { dependencyCone, scanLevels } from '../../kernels/scanLevels';
import { familyOf } from '../../models/registry';
import { useStore } from '../store';
import { useRunModels } from './runModels';
import { ViewPanel } from './ViewPanel';

/** Threads drawn at most; the rest are summarised. */
const SHOWN = 16;
const LEVEL_COLORS = ['#7aa2f7', '#9ece6a', '#e0af68', '#f7768e', '#bb9af7', '#2ac3de', '#ff9e64', '#c0caf5'];

export function ScanView() {
  const models = useRunModels();
  // The steps of the training window of the first model whose family runs the scan (Mamba's), as the worker built it (a task may fix its own length).
  const scanned = models.find((m) => familyOf(m.slot.kind).views.scan);
  const seqLen = useStore((s) => (scanned && s.configured?.find((c) => c.id === scanned.id)?.seqLen) ?? 0);
  const schedule = useMemo(() => (seqLen >= 1 ? scanLevels(seqLen) : null), [seqLen]);
  const subgroups = useStore((s) => s.gpu.state === 'ready' && s.gpu.info.features.includes('subgroups'));
  const [hover, setHover] = useState<number | null>(null);
  if (!schedule) return null;
  const s = schedule;
  const shown = Math.min(s.threads, SHOWN);
  const focus = hover !== null && hover < shown ? hover : null;
  const cone = focus === null ? null : dependencyCone(s, focus);
  const W = 640;
  const rowH = 34;
  const top = 34;
  const left = 70;
  const colW = (W - left - 10) / shown;
  const x = (i: number) => left + colW * (i + 0.5);
  const y = (row: number) => top + row * rowH;
  const height = top + s.levels.length * rowH + 12;
  // One chunk longer than the sequence: threads whose runs start past the end scan padding (identity steps).
  const padding = (i: number) => s.numChunks === 1 && s.runs[i][0] >= s.seqLen;
  const visible = (pairs: Array<[number, number]>) => pairs.filter(([from, to]) => from < shown && to < shown);
  return (
    <ViewPanel title={`The parallel scan (${scanned?.label ?? ''})`} testId="view-scan" wide exportAs={{ name: 'scan', png: true }}>
      <p className="hint">
        {s.seqLen} steps: {s.numChunks} chunk{s.numChunks > 1 ? 's' : ''} of {s.chunkLen} = {s.threads} threads × {s.items} steps. Each thread first composes its {s.items} steps
        serially (h = a·h + b, as pairs (a, b)); then {s.levels.length} level{s.levels.length === 1 ? '' : 's'} combine the threads' results in workgroup memory, thread i taking in thread
        i − offset's, so that after the last level thread i holds steps 0 … {s.items}·(i+1) − 1 composed and every state follows in one more pass.
        {s.numChunks > 1 ? ` The ${s.numChunks} chunks then start from the state carried from the chunks before them (a short serial pass over chunk totals).` : ''}
        {s.chunkLen * s.numChunks > s.seqLen ? ` Steps past ${s.seqLen - 1} are padding: the identity pair (1, 0), which changes nothing.` : ''} A sequential scan
        would take {s.seqLen} dependent steps; this takes {s.items} + {s.levels.length} + {s.items}
        {s.numChunks > 1 ? ` per chunk, plus ${s.numChunks} for the carries` : ''}.
        {subgroups
          ? ' This GPU has subgroups: there the levels run inside each subgroup by shuffling registers (no workgroup memory, no barriers), and each thread then composes the totals of the subgroups before its own.'
          : ''}{' '}
        Hover a thread to see what its result is made of.
      </p>
      <svg
        viewBox={`0 0 ${W} ${height}`}
        width="100%"
        role="img"
        aria-label={`Parallel scan schedule: ${s.threads} threads, ${s.levels.length} levels`}
        onMouseLeave={() => setHover(null)}
        data-testid="scan-diagram"
      >
        <text x={4} y={y(0) + 4} className="svg-label">runs</text>
        {s.levels.map((level, k) => (
          <text key={k} x={4} y={y(k + 1) + 4} className="svg-label">
            ← i − {level.offset}
          </text>
        ))}
        {Array.from({ length: shown }, (_, i) =>
          s.levels.map((_, k) => {
            // Each thread keeps its own partial from one level to the next.
            const on = cone ? cone[k + 1].has(i) : false;
            return <line key={`keep-${i}-${k}`} x1={x(i)} y1={y(k)} x2={x(i)} y2={y(k + 1)} stroke={on ? '#e6e8ee' : '#3a3f4b'} strokeWidth={on ? 2 : 1} />;
          }),
        )}
        {s.levels.map((level, k) =>
          visible(level.pairs).map(([from, to]) => {
            const on = cone ? cone[k + 1].has(to) : false;
            return (
              <line
                key={`${k}-${from}-${to}`}
                x1={x(from)}
                y1={y(k)}
                x2={x(to)}
                y2={y(k + 1)}
                stroke={LEVEL_COLORS[k % LEVEL_COLORS.length]}
                strokeWidth={on ? 2.5 : 1}
                opacity={cone && !on ? 0.15 : 0.8}
              />
            );
          }),
        )}
        {Array.from({ length: shown }, (_, i) => (
          <g key={i} onMouseEnter={() => setHover(i)} data-testid="scan-thread">
            <rect x={x(i) - colW / 2} y={top - 26} width={colW} height={height - top + 26} fill="transparent" />
            <text x={x(i)} y={top - 16} textAnchor="middle" className="svg-label" opacity={padding(i) ? 0.45 : 1}>
              {padding(i) ? 'pad' : `${s.runs[i][0]}–${Math.min(s.runs[i][1], s.numChunks === 1 ? s.seqLen : Infinity) - 1}`}
            </text>
            {Array.from({ length: s.levels.length + 1 }, (_, row) => {
              const on = cone ? cone[row].has(i) : false;
              return <circle key={row} cx={x(i)} cy={y(row)} r={on ? 5 : 3.5} fill={on ? '#e6e8ee' : '#5c6370'} opacity={cone && !on ? 0.4 : 1} />;
            })}
          </g>
        ))}
      </svg>
      <p className="hint" data-testid="scan-readout">
        {focus !== null
          ? `Thread ${focus}: ${s.levels.length} levels gather the runs of threads 0 … ${focus} (steps 0 … ${s.runs[focus][1] - 1} of the chunk).`
          : s.threads > shown
            ? `The first ${shown} of ${s.threads} threads are drawn.`
            : `Threads 0 … ${s.threads - 1}, levels top to bottom.`}
      </p>
    </ViewPanel>
  );
}
