// What the class-prediction view shows of a window, and how it scores it. Only the steps the loss
// counts are scored (a copy task's replay, a sequence-to-sequence task's target: rows with a
// target); long stretches of steps the loss ignores (a copy task's delay) fold into one gap, so a
// window longer than the view still shows the steps that are scored.

/** One row of the view: t, the target class (absent where the loss ignores the step), each model's guess by id. */
export type TokenRow = Record<string, number>;

/** A step shown as it is, or a run of ignored steps folded into one cell. */
export type TokenItem = { row: TokenRow } | { gap: number; from: number };

/** Ignored steps in a row beyond which they fold into a gap. */
const FOLD_AFTER = 3;

/** Right guesses of one model over the scored steps only (those with a target). */
export function scoredAccuracy(rows: TokenRow[], modelId: string): { right: number; scored: number } {
  let right = 0;
  let scored = 0;
  for (const r of rows) {
    if (r.target === undefined) continue;
    scored++;
    if (r[modelId] === r.target) right++;
  }
  return { right, scored };
}

/**
 * The items to draw, at most `capacity`: runs of more than FOLD_AFTER ignored steps become one
 * gap; if that still does not fit, the items from just before the first scored step.
 */
export function tokenItems(rows: TokenRow[], capacity: number): TokenItem[] {
  const items: TokenItem[] = [];
  for (let i = 0; i < rows.length; ) {
    if (rows[i].target !== undefined) {
      items.push({ row: rows[i++] });
      continue;
    }
    let j = i;
    while (j < rows.length && rows[j].target === undefined) j++;
    if (j - i > FOLD_AFTER) items.push({ gap: j - i, from: rows[i].t });
    else for (let k = i; k < j; k++) items.push({ row: rows[k] });
    i = j;
  }
  if (items.length <= capacity) return items;
  const firstScored = items.findIndex((it) => 'row' in it && it.row.target !== undefined);
  const start = Math.max(0, Math.min(firstScored - 1, items.length - capacity));
  return items.slice(start, start + capacity);
}
