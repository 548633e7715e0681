// The CPU device's own behaviour (no twins involved), and that every WGSL entry point has a twin.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runOps } from '../dispatch';
import { readBuffer, readTensor } from '../readback';
import { createTensor, writeTensor } from '../tensor';
import { acquireCpu, twinsOf } from '../../kernels/cpu';
import { MINRNN_TWINS } from '../../models/minrnnCpu';

describe('CPU device', () => {
  it('creates, writes, copies, clears and reads back buffers', async () => {
    const { device, info } = acquireCpu();
    expect(info.backend).toBe('cpu');
    const a = createTensor(device, 'a', [5], [1, 2, 3, 4, 5]);
    const b = createTensor(device, 'b', [5]);
    writeTensor(device, b, new Float32Array([9, 9, 9, 9, 9]));
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(a.buffer, 4, b.buffer, 0, 8);
    enc.clearBuffer(b.buffer, 12, 4);
    device.queue.submit([enc.finish()]);
    expect(Array.from(await readTensor(device, b))).toEqual([2, 3, 9, 0, 9]);
    // writeBuffer's data offset and size count elements for typed arrays.
    device.queue.writeBuffer(a.buffer, 0, new Float32Array([7, 8, 9]), 1, 2);
    expect(Array.from(await readBuffer(device, a.buffer, 0, 12))).toEqual([8, 9, 3]);
    device.destroy();
  });

  it('mapping: a range written at creation lands on unmap; a read mapping hands back a copy', async () => {
    const { device } = acquireCpu();
    const buf = device.createBuffer({ size: 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
    new Uint32Array(buf.getMappedRange()).set([1, 2]);
    buf.unmap();
    await buf.mapAsync(GPUMapMode.READ);
    const got = new Uint32Array(buf.getMappedRange());
    expect(Array.from(got)).toEqual([1, 2]);
    got[0] = 99; // a read mapping's writes are dropped
    buf.unmap();
    await buf.mapAsync(GPUMapMode.READ);
    expect(new Uint32Array(buf.getMappedRange())[0]).toBe(1);
    buf.unmap();
    expect(() => buf.getMappedRange()).toThrow(/not mapped/);
  });

  it('reports a bad command into the error scope, and uncaptured otherwise', async () => {
    const { device } = acquireCpu();
    const a = createTensor(device, 'a', [4]);
    const gone = createTensor(device, 'gone', [4]);
    gone.buffer.destroy();
    await expect(runOps(device, [{ kind: 'copy', label: 'c', src: a.buffer, srcOffset: 0, dst: gone.buffer, dstOffset: 0, bytes: 16 }])).rejects.toThrow(/gone is destroyed/);
    await expect(runOps(device, [{ kind: 'copy', label: 'c', src: a.buffer, srcOffset: 0, dst: a.buffer, dstOffset: 8, bytes: 16 }])).rejects.toThrow(/out of range/);
    const seen: string[] = [];
    device.addEventListener('uncapturederror', (e) => seen.push((e as GPUUncapturedErrorEvent).error.message));
    const enc = device.createCommandEncoder();
    enc.clearBuffer(gone.buffer);
    device.queue.submit([enc.finish()]);
    expect(seen).toEqual([expect.stringMatching(/gone is destroyed/)]);
  });

  it('resolves `lost` when destroyed, and says it has no timestamp queries', async () => {
    const { device, has } = acquireCpu();
    expect(has('timestamp-query')).toBe(false);
    expect(device.features.has('timestamp-query')).toBe(false);
    expect(() => device.createQuerySet({ type: 'timestamp', count: 2 })).toThrow(/timestamp-query/);
    device.destroy();
    expect((await device.lost).reason).toBe('destroyed');
  });
});

describe('CPU twins', () => {
  // Entry points of every shader, by the family name its KernelSource uses.
  const FAMILY_OF_FILE: Record<string, string> = { 'scan.wgsl': 'scan', 'minrnn.wgsl': 'minrnn' };
  const shaders = readdirSync('shaders').filter((f) => f.endsWith('.wgsl') && f !== 'math.wgsl');

  it('every @compute entry point of shaders/*.wgsl has a twin', () => {
    let count = 0;
    const missing: string[] = [];
    for (const file of shaders) {
      const family = FAMILY_OF_FILE[file] ?? file.replace('.wgsl', '');
      const twins = family === 'minrnn' ? MINRNN_TWINS : twinsOf(family);
      const entries = [...readFileSync(`shaders/${file}`, 'utf8').matchAll(/@compute[^\n]*\n\s*fn (\w+)/g)].map((m) => m[1]);
      for (const e of entries) {
        count++;
        if (!twins?.[e]) missing.push(`${family}.${e}`);
      }
    }
    expect(missing).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(48);
  });
});
