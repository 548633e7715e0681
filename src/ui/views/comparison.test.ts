// The comparison table's numbers: the best validation loss and its step, the recent training
// loss, and the leader (backtest MAE on a table when every model has one, else validation loss).

import { describe, expect, it } from 'vitest';
import { Ring } from '../telemetry/ring';
import { bestValidation, leader, recentMean, series } from './comparison';

describe('best validation loss', () => {
  it('is the lowest finite loss, at the step it was reached (the earliest on a tie)', () => {
    expect(bestValidation(series([0, 20, 40, 60, 80]), series([2, 0.5, NaN, 0.5, 0.9]))).toEqual({ loss: 0.5, step: 20 });
    expect(bestValidation(series([0, 20]), series([3, 1]))).toEqual({ loss: 1, step: 20 });
    expect(bestValidation(series([]), series([]))).toBeNull();
    expect(bestValidation(series([5]), series([Infinity]))).toBeNull();
  });

  it('reads the telemetry rings as they are, oldest first', () => {
    const steps = new Ring(3);
    const losses = new Ring(3);
    [[10, 0.1], [20, 0.4], [30, 0.3], [40, 0.2]].forEach(([s, l]) => (steps.push(s), losses.push(l)));
    // The ring has forgotten step 10: the best it still holds is step 40's.
    expect(bestValidation(steps, losses)).toEqual({ loss: 0.2, step: 40 });
  });
});

describe('recent training loss', () => {
  it('averages the last n finite values', () => {
    expect(recentMean(series([9, 1, 2, NaN, 3]), 3)).toBe(2);
    expect(recentMean(series([4]), 20)).toBe(4);
    expect(recentMean(series([]), 20)).toBeNaN();
  });
});

describe('the leader', () => {
  const a = { id: 'a', bestLoss: 0.2, mae: 1.5 };
  const b = { id: 'b', bestLoss: 0.3, mae: 1.1 };
  const c = { id: 'c', bestLoss: 0.25, mae: null };

  it('on a table where every model was backtested: the lowest MAE', () => {
    expect(leader([a, b], true)).toEqual({ id: 'b', by: 'backtest MAE' });
  });

  it('otherwise the lowest best validation loss', () => {
    expect(leader([a, b], false)).toEqual({ id: 'a', by: 'validation loss' });
    expect(leader([a, b, c], true)).toEqual({ id: 'a', by: 'validation loss' });
    expect(leader([{ ...a, bestLoss: null }, c], false)).toEqual({ id: 'c', by: 'validation loss' });
  });

  it('none with one model, or nothing measured', () => {
    expect(leader([a], true)).toBeNull();
    expect(leader([{ id: 'x', bestLoss: null, mae: null }, { id: 'y', bestLoss: null, mae: null }], true)).toBeNull();
  });
});
