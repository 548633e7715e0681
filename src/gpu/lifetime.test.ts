// Resources are destroyed only after the GPU has finished the work that uses them and their
// readbacks have landed: a step submitted, its readback recorded, the trainer retired at once.

import { describe, expect, it } from 'vitest';
import { AsyncReader } from './readback';
import { retireAfterGpu } from './lifetime';
import { nodeGpu } from './node';
import { useNodeGpu } from './testing';
import { createTensor } from './tensor';

const gpu = useNodeGpu();

describe('retireAfterGpu', () => {
  it('destroys after the submitted work and the pending readbacks, never before, with no GPU error', async () => {
    const { device } = gpu;
    const errors: string[] = [];
    device.addEventListener('uncapturederror', (e) => errors.push((e as GPUUncapturedErrorEvent).error.message));
    const t = createTensor(device, 'retired', [4096], Float32Array.from({ length: 4096 }, (_, i) => i));
    const reader = new AsyncReader(device, 4096 * 4, 2);
    let landed: Float32Array | null = null;
    const order: string[] = [];
    for (let k = 0; k < 3; k++) {
      const encoder = device.createCommandEncoder();
      const after = reader.record(encoder, [{ tensor: t, onData: (d) => ((landed = d), order.push('landed')) }]);
      device.queue.submit([encoder.finish()]);
      after?.();
    }
    const retired = retireAfterGpu(device, [
      {
        idle: () => reader.settled(),
        destroy: () => {
          order.push('destroyed');
          reader.destroy();
          t.buffer.destroy();
        },
      },
    ]);
    expect(order).toEqual([]);
    await retired;
    // Two staging buffers: the third record was skipped, never waited for.
    expect(order).toEqual(['landed', 'landed', 'destroyed']);
    expect(landed![4095]).toBe(4095);
    expect(errors).toEqual([]);
  });

  it('resolves and destroys even when the device is gone', async () => {
    const other = await nodeGpu();
    let destroyed = false;
    other.device.destroy();
    await retireAfterGpu(other.device, [{ destroy: () => (destroyed = true) }]);
    expect(destroyed).toBe(true);
  });
});
