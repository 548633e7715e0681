// Class predictions shown as symbols (characters, notes, copy-task letters): the target and,
// under each stretch of it, every model's guesses, right ones green and wrong ones red. A '·'
// target is a step the loss ignores (the copy task's waiting steps, a sequence-to-sequence
// task's source): its guesses are shown as '·' too, since nothing asks the model for them.

import type { RunModel } from './runModels';

const PER_LINE = 48;
/** Multi-character tokens (notes like "E4:1") take more room each. */
const PER_LINE_WIDE = 10;
const LINES = 2;

export function show(vocab: string[], id: number | undefined): string {
  if (id === undefined || !Number.isInteger(id) || id < 0 || id >= vocab.length) return '·';
  const ch = vocab[id];
  return ch === '\n' ? '↵' : ch === ' ' ? '␣' : ch;
}

export function TokenPredictions({ rows, vocab, models }: { rows: Array<Record<string, number>>; vocab: string[]; models: RunModel[] }) {
  const wide = vocab.some((v) => v.length > 1);
  const per = wide ? PER_LINE_WIDE : PER_LINE;
  const lines = Array.from({ length: LINES }, (_, i) => rows.slice(i * per, (i + 1) * per)).filter((l) => l.length > 0);
  const scored = rows.filter((r) => r.target !== undefined);
  return (
    <div className={`token-predictions${wide ? ' wide' : ''}`} data-testid="token-predictions">
      <p className="small">
        {models.map((m) => (
          <span key={m.id} style={{ color: m.color }} className="token-score">
            {m.label}: {Math.round((100 * scored.filter((r) => r[m.id] === r.target).length) / Math.max(1, scored.length))}% right
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
              {line.map((r) =>
                r.target === undefined ? (
                  <span key={r.t} className="token">·</span>
                ) : (
                  <span key={r.t} className={`token${r[m.id] === r.target ? ' right' : ' wrong'}`}>{show(vocab, r[m.id])}</span>
                ),
              )}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
