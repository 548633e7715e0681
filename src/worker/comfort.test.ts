// The sizes that stay comfortable, scaled from one measured step: cost ∝ batch × steps × hidden².

import { describe, expect, it } from 'vitest';
import { COMFORT_BUDGET_MS, comfortableSizes, roundSize } from './comfort';

describe('roundSize', () => {
  it('rounds down to sizes a person types', () => {
    expect(roundSize(0.99)).toBe(0);
    expect(roundSize(1)).toBe(1);
    expect(roundSize(15.99)).toBe(15);
    expect(roundSize(16)).toBe(16);
    expect(roundSize(23.9)).toBe(16);
    expect(roundSize(24)).toBe(24);
    expect(roundSize(999)).toBe(992);
    expect(roundSize(1000)).toBe(1000);
    expect(roundSize(2_187.5)).toBe(2_100);
    expect(roundSize(98_765)).toBe(98_000);
  });
  it('says 0 for nothing, negative or not a number', () => {
    for (const v of [0, -5, NaN, -Infinity]) expect(roundSize(v)).toBe(0);
  });
});

describe('comfortableSizes', () => {
  it('scales hidden by the square root of the time left, batch × steps linearly', () => {
    // 12.5 ms at hidden 64, batch 8 × 32 steps: 4x the budget's room -> hidden 2x, batch × steps 4x.
    const c = comfortableSizes({ ms: 12.5, batch: 8, seqLen: 32, hidden: 64 })!;
    expect(c).toMatchObject({ budgetMs: 50, ms: 12.5, stepsPerSecond: 80, comfortableHidden: 128, comfortableBatchSteps: 1000 }); // 1,024 to 2 figures
  });

  it('odd sizes: checked against the formula in float64', () => {
    const m = { ms: 7.3, batch: 13, seqLen: 37, hidden: 47 };
    const c = comfortableSizes(m, 50)!;
    const h = 47 * Math.sqrt(50 / 7.3); // 123.0...
    const bt = 13 * 37 * (50 / 7.3); // 3294.5...
    expect(h).toBeCloseTo(123.0, 0);
    expect(c.comfortableHidden).toBe(Math.floor(h / 8) * 8);
    expect(c.comfortableBatchSteps).toBe(3200);
    expect(bt).toBeGreaterThan(3200);
    expect(c.stepsPerSecond).toBeCloseTo(1000 / 7.3, 12);
  });

  it('a run already over the budget gets smaller sizes than its own', () => {
    const c = comfortableSizes({ ms: 200, batch: 16, seqLen: 64, hidden: 256 })!;
    // 4x over: hidden halves, batch × steps quarters.
    expect(c.comfortableHidden).toBe(128);
    expect(c.comfortableBatchSteps).toBe(256);
    // So slow that even hidden 1 is over the budget at this batch × steps.
    const none = comfortableSizes({ ms: 1e9, batch: 1, seqLen: 1, hidden: 3 })!;
    expect(none.comfortableHidden).toBe(0);
    expect(none.comfortableBatchSteps).toBe(0);
  });

  it('a step exactly at the budget: its own sizes, rounded down', () => {
    const c = comfortableSizes({ ms: COMFORT_BUDGET_MS, batch: 5, seqLen: 7, hidden: 33 })!;
    expect(c.comfortableHidden).toBe(32);
    expect(c.comfortableBatchSteps).toBe(32);
  });

  it('a budget of its own', () => {
    expect(comfortableSizes({ ms: 10, batch: 2, seqLen: 50, hidden: 100 }, 1000)!.comfortableHidden).toBe(1000);
  });

  it('says nothing for a measurement that says nothing', () => {
    const ok = { ms: 10, batch: 4, seqLen: 8, hidden: 16 };
    for (const bad of [{ ms: 0 }, { ms: -1 }, { ms: NaN }, { ms: Infinity }, { batch: 0 }, { seqLen: -3 }, { hidden: 0 }, { hidden: NaN }]) {
      expect(comfortableSizes({ ...ok, ...bad }), JSON.stringify(bad)).toBeNull();
    }
    expect(comfortableSizes(ok, 0)).toBeNull();
  });
});
