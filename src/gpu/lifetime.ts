// When GPU resources may be destroyed: only once every submit that used them has completed, and
// every readback that maps one of their buffers has settled. Destroying earlier makes the queue
// reject the pending submit ("used in submit while destroyed") or a mapping fail mid-read.
// Whoever replaces resources (a new configuration, a removed model) hands the old ones here.

export interface Retirable {
  destroy(): void;
  /** Resolves once nothing the GPU or a pending readback holds is left in use. */
  idle?(): Promise<void>;
}

/**
 * Destroys `items` after the work submitted so far has completed and their own readbacks have
 * settled. A lost device resolves nothing further: the items are destroyed anyway (nothing can use them).
 */
export async function retireAfterGpu(device: GPUDevice, items: readonly Retirable[]): Promise<void> {
  if (items.length === 0) return;
  try {
    await device.queue.onSubmittedWorkDone();
    await Promise.all(items.map((i) => i.idle?.()));
  } catch {
    // The device went away: there is no pending work left to protect.
  }
  for (const i of items) i.destroy();
}
