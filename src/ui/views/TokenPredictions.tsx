// Character-level predictions: the target text and, under each stretch of it, every model's
// next-character guesses, right ones green and wrong ones red.

import type { RunModel } from './runModels';

const PER_LINE = 48;
const LINES = 2;

function show(vocab: string[], id: number | undefined): string {
  if (id === undefined || !Number.isInteger(id) || id < 0 || id >= vocab.length) return '·';
  const ch = vocab[id];
  return ch === '\n' ? '↵' : ch === ' ' ? '␣' : ch;
}

export function TokenPredictions({ rows, vocab, models }: { rows: Array<Record<string, number>>; vocab: string[]; models: RunModel[] }) {
  const lines = Array.from({ length: LINES }, (_, i) => rows.slice(i * PER_LINE, (i + 1) * PER_LINE)).filter((l) => l.length > 0);
  const scored = rows.filter((r) => r.target !== undefined);
  return (
    <div className="token-predictions" data-testid="token-predictions">
      <p className="small">
        {models.map((m) => (
          <span key={m.id} style={{ color: m.color }} className="token-score">
            {m.label}: {Math.round((100 * scored.filter((r) => r[m.id] === r.target).length) / Math.max(1, scored.length))}% of next characters right
          </span>
        ))}
      </p>
      {lines.map((line, i) => (
        <div key={i} className="token-block">
          <div className="token-row">
            <span className="token-label">target</span>
            {line.map((r) => (
              <span key={r.t} className="token">{show(vocab, r.target)}</span>
            ))}
          </div>
          {models.map((m) => (
            <div key={m.id} className="token-row">
              <span className="token-label" style={{ color: m.color }}>{m.label}</span>
              {line.map((r) => (
                <span key={r.t} className={`token${r[m.id] === r.target ? ' right' : ' wrong'}`}>{show(vocab, r[m.id])}</span>
              ))}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
