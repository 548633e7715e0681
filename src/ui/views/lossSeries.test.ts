// The loss chart's lines and legend: a colour per model, training solid, validation dashed, and a
// model without validation said to have none.

import { describe, expect, it } from 'vitest';
import { lossLegend, lossSeries, type LossCurves } from './lossSeries';

const curve = (id: string, color: string, validation = true): LossCurves => ({
  id,
  label: `model ${id}`,
  color,
  train: [
    { step: 1, loss: 2 },
    { step: 2, loss: 1 },
  ],
  val: validation ? [{ step: 2, loss: 1.5 }] : [],
  validation,
});

describe('the loss chart', () => {
  const curves = [curve('a', '#f5a524'), curve('b', '#5ac8fa'), curve('c', '#c084fc')];

  it('draws each model in its own colour, training solid and validation dashed', () => {
    const lines = lossSeries(curves);
    expect(lines.map((l) => l.name)).toEqual(['model a train', 'model a validation', 'model b train', 'model b validation', 'model c train', 'model c validation']);
    const trains = lines.filter((l) => l.name.endsWith('train'));
    const vals = lines.filter((l) => l.name.endsWith('validation'));
    expect(new Set(trains.map((l) => l.color)).size).toBe(3);
    expect(trains.every((l) => !l.dash || l.dash.length === 0)).toBe(true);
    expect(vals.every((l) => l.dash && l.dash.length > 0)).toBe(true);
    vals.forEach((v, i) => expect(v.color).toBe(trains[i].color));
    expect(Array.from(trains[0].xs)).toEqual([1, 2]);
    expect(Array.from(vals[0].ys)).toEqual([1.5]);
  });

  it('says "no validation" for a model that gets none, instead of leaving it out', () => {
    const withNone = [curve('a', '#f5a524'), curve('b', '#5ac8fa', false)];
    expect(lossSeries(withNone).map((l) => l.name)).toEqual(['model a train', 'model a validation', 'model b train']);
    const legend = lossLegend(withNone, (id) => ({ train: { from: 2, to: id === 'a' ? 1 : 0.5 }, val: null }));
    expect(legend.map((e) => [e.id, e.train?.to, e.val])).toEqual([
      ['a', 1, null],
      ['b', 0.5, 'none'],
    ]);
  });
});
