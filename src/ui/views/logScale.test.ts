import { describe, expect, it } from 'vitest';
import { decadeFraction, decadeLabel, decadeTicks, INITIAL_SPAN, meanStepFactor, widenDecades } from './logScale';

describe('the step-through log axis', () => {
  it('starts six decades below the first value and holds still while values stay inside', () => {
    const first = widenDecades(null, [NaN, NaN, 0.034])!;
    expect(first).toEqual([-1 - INITIAL_SPAN, -1]);
    // A walk of a vanishing gradient: each click adds a smaller value, the axis does not move.
    let d = first;
    for (const v of [0.02, 3e-4, 2.2e-6, 1.01e-7]) {
      d = widenDecades(d, [v])!;
      expect(d).toBe(first);
    }
    // Below the bottom, or above the top: widened by whole decades, never narrowed again.
    d = widenDecades(d, [4e-9])!;
    expect(d).toEqual([-10, -1]);
    d = widenDecades(d, [250])!;
    expect(d).toEqual([-10, 3]);
    expect(widenDecades(d, [0.5])).toBe(d);
    // Exactly a power of ten is its own top; nothing positive and finite, no axis.
    expect(widenDecades(null, [100])).toEqual([2 - INITIAL_SPAN, 2]);
    expect(widenDecades(null, [0, -1, NaN, Infinity])).toBeNull();
  });

  it('gives the mean factor per step back as the geometric mean of the step factors', () => {
    const norms = [NaN, NaN, 0.02, 0.1, 0.4, 0.5];
    const steps = [0.02 / 0.1, 0.1 / 0.4, 0.4 / 0.5];
    expect(meanStepFactor(norms, 2)).toBeCloseTo(Math.cbrt(steps[0] * steps[1] * steps[2]), 12);
    expect(meanStepFactor(norms, 4)).toBeCloseTo(0.8, 12);
    expect(meanStepFactor(norms, 5)).toBeNull();
    expect(meanStepFactor(norms, 1)).toBeNull();
  });

  it('places values on the axis and labels its decades', () => {
    expect(decadeFraction([-6, 0], 1e-3)).toBeCloseTo(0.5, 12);
    expect(decadeFraction([-6, 0], 1e-9)).toBe(0);
    expect(decadeFraction([-6, 0], 5)).toBe(1);
    expect(decadeTicks([-6, 0])).toEqual([0, -1, -2, -3, -4, -5, -6]);
    expect(decadeTicks([-12, 0])).toEqual([0, -2, -4, -6, -8, -10, -12]);
    expect(decadeTicks([-13, 0])).toEqual([0, -3, -6, -9, -12]);
    expect([-3, 0, 1, 4].map(decadeLabel)).toEqual(['1e-3', '1', '10', '1e4']);
  });
});
