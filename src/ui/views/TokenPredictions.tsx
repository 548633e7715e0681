// Class predictions shown as symbols (characters, notes, copy-task letters): the target and,
// under each stretch of it, every model's guesses, right ones green and wrong ones red. A '·'
// target is a step the loss ignores (the copy task's waiting steps, a sequence-to-sequence
// task's source): its guesses are shown as '·' too, since nothing asks the model for them, and
// long runs of them fold into one gap (./tokenRows.ts), so the scored steps always show. The
// score counts the scored steps only.

import type { RunModel } from './runModels';
import { scoredAccuracy, tokenItems, type TokenItem, type TokenRow } from './tokenRows';

const PER_LINE = 48;
/** Multi-character tokens (notes like "E4:1") take more room each. */
const PER_LINE_WIDE = 10;
const LINES = 2;

export function show(vocab: string[], id: number | undefined): string {
  if (id === undefined || !Number.isInteger(id) || id < 0 || id >= vocab.length) return '·';
  const ch = vocab[id];
  return ch === '\n' ? '↵' : ch === ' ' ? '␣' : ch;
}

function Gap({ item }: { item: Extract<TokenItem, { gap: number }> }) {
  return (
    <span className="token gap" title={`steps ${item.from}–${item.from + item.gap - 1}: the loss ignores them`}>
      ⋯{item.gap}⋯
    </span>
  );
}

export function TokenPredictions({ rows, vocab, models }: { rows: TokenRow[]; vocab: string[]; models: RunModel[] }) {
  const wide = vocab.some((v) => v.length > 1);
  const per = wide ? PER_LINE_WIDE : PER_LINE;
  const items = tokenItems(rows, per * LINES);
  const lines = Array.from({ length: LINES }, (_, i) => items.slice(i * per, (i + 1) * per)).filter((l) => l.length > 0);
  const scored = rows.filter((r) => r.target !== undefined).length;
  const key = (it: TokenItem) => ('row' in it ? it.row.t : `gap${it.from}`);
  return (
    <div className={`token-predictions${wide ? ' wide' : ''}`} data-testid="token-predictions">
      <p className="small">
        {models.map((m) => {
          const { right, scored } = scoredAccuracy(rows, m.id);
          return (
            <span key={m.id} style={{ color: m.color }} className="token-score" data-testid={`token-score-${m.id}`} data-right={right} data-scored={scored}>
              {m.label}: {Math.round((100 * right) / Math.max(1, scored))}% right
            </span>
          );
        })}
        {scored < rows.length && <span className="muted" data-testid="token-scored">on the {scored} scored steps of {rows.length}</span>}
      </p>
      {lines.map((line, i) => (
        <div key={i} className="token-block">
          <div className="token-row">
            <span className="token-label">target</span>
            {line.map((it) => ('row' in it ? <span key={key(it)} className="token">{show(vocab, it.row.target)}</span> : <Gap key={key(it)} item={it} />))}
          </div>
          {models.map((m) => (
            <div key={m.id} className="token-row" data-testid={`token-row-${m.id}`}>
              <span className="token-label" style={{ color: m.color }}>{m.label}</span>
              {line.map((it) =>
                !('row' in it) ? (
                  <Gap key={key(it)} item={it} />
                ) : it.row.target === undefined ? (
                  <span key={key(it)} className="token">·</span>
                ) : (
                  <span key={key(it)} className={`token${it.row[m.id] === it.row.target ? ' right' : ' wrong'}`}>{show(vocab, it.row[m.id])}</span>
                ),
              )}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
