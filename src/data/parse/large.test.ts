import { describe, it, expect } from 'vitest';
import { parseFile } from './index';
import { Random } from '../random';
import type { ParseProgress } from '../types';

describe('a large CSV', () => {
  it('parses 300,000 rows (~7 MB) in a few seconds, reporting progress as it goes', async () => {
    const rng = new Random(2024);
    const parts: string[] = ['time,value,noise,label'];
    const expectValue = new Float64Array(300_000);
    for (let i = 0; i < 300_000; i++) {
      const v = Math.sin(i / 50) + 0.1 * rng.normal();
      const s = v.toFixed(6);
      expectValue[i] = Number(s);
      parts.push(`${i},${s},${rng.uniform(-1, 1).toFixed(2)},${i % 3 === 0 ? 'a' : 'b'}`);
    }
    const bytes = new TextEncoder().encode(parts.join('\n') + '\n');
    expect(bytes.length).toBeGreaterThan(6.5e6);
    expect(bytes.length).toBeLessThan(8e6);

    const progress: ParseProgress[] = [];
    const t0 = performance.now();
    const r = await parseFile('big.csv', bytes, {}, (p) => progress.push(p));
    const ms = performance.now() - t0;
    console.log(`300k rows, ${(bytes.length / 1e6).toFixed(1)} MB: ${ms.toFixed(0)} ms, ${progress.length} progress calls`);
    expect(ms).toBeLessThan(5000);

    const ds = r.dataset;
    if (ds.kind !== 'table') throw new Error('table expected');
    expect(ds.rowCount).toBe(300_000);
    expect(ds.columns.map((c) => c.name)).toEqual(['time', 'value', 'noise']);
    expect(ds.labels[0].categories).toEqual(['a', 'b']);
    expect(ds.columns[0].values[299_999]).toBe(299_999);
    expect(Array.from(ds.columns[1].values)).toEqual(Array.from(expectValue));
    expect(ds.rowRefs[299_999]).toBe(300_001);

    const parsing = progress.filter((p) => p.phase === 'parsing');
    expect(parsing.length).toBeGreaterThanOrEqual(6); // 1 Mi-character chunks
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i].fraction).toBeGreaterThanOrEqual(progress[i - 1].fraction);
      expect(progress[i].rows).toBeGreaterThanOrEqual(progress[i - 1].rows);
    }
    expect(parsing[0].rows).toBeGreaterThan(0);
    expect(parsing[0].rows).toBeLessThan(300_000);
    expect(progress.at(-1)).toEqual({ phase: 'finishing', fraction: 1, rows: 300_000 });
  });
});
