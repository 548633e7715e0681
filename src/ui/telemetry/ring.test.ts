import { describe, expect, it } from 'vitest';
import { Ring, bucketMean, buckets } from './ring';

describe('Ring', () => {
  it('keeps the newest values, oldest first', () => {
    const r = new Ring(3);
    for (const v of [1, 2, 3, 4, 5]) r.push(v);
    expect(r.length).toBe(3);
    expect([r.get(0), r.get(1), r.get(2)]).toEqual([3, 4, 5]);
    expect(r.last()).toBe(5);
    r.clear();
    expect(r.length).toBe(0);
    expect(r.last()).toBeNaN();
  });

  it('buckets cover every index once, at most maxPoints of them', () => {
    for (const [n, max] of [[0, 10], [1, 10], [7, 3], [1000, 300], [257, 256]]) {
      const b = buckets(n, max);
      expect(b.length).toBeLessThanOrEqual(max);
      expect(b.reduce((s, [a, e]) => s + e - a, 0)).toBe(n);
    }
  });

  it('bucket means skip non-finite values', () => {
    const r = new Ring(8);
    for (const v of [1, NaN, 3, Infinity]) r.push(v);
    expect(bucketMean(r, 0, 4)).toBe(2);
    expect(bucketMean(r, 1, 2)).toBeNaN();
  });
});
