// BPTT, one timestep at a time: the forward pass, the loss and the head's backward run at once;
// then each call walks the top recurrent layer's backward one step further back in time and
// reads ∂L/∂h_t for the chosen sample. The same WGSL kernels that train run here over a one-step
// range, recorded apart from the training step's whole-sequence range, which it leaves as it is.

import { encodeOps, runOps } from '../gpu/dispatch';
import { readTensor } from '../gpu/readback';
import { F32 } from '../gpu/tensor';
import type { StepThrough } from '../models';
import type { Trainer } from './trainer';

export interface BpttStep {
  /** The timestep just processed (walking T-1 down to 0). */
  t: number;
  T: number;
  /** ∂L/∂h_t of the sample, in total (from the loss at t and from every later step). */
  dh: Float32Array;
  /** ‖∂L/∂h_t‖ over the whole batch. */
  norm: number;
}

export class BpttStepper {
  private next = 0;

  private constructor(
    private readonly trainer: Trainer,
    private readonly walk: StepThrough,
    private readonly sample: number,
  ) {}

  /** Runs forward, loss and head backward on the trainer's current batch; the walk starts at T-1. */
  static async begin(trainer: Trainer, sample: number): Promise<BpttStepper> {
    const walk = trainer.encoder.stepThrough?.();
    if (!walk) throw new Error('Step-through walks a recurrence: choose an RNN, LSTM or GRU model.');
    const { device } = trainer.ctx;
    await runOps(device, [...trainer.tape.forwardOps(), ...trainer.tape.backwardOf('head'), ...walk.begin]);
    return new BpttStepper(trainer, walk, Math.min(Math.max(sample, 0), walk.B - 1));
  }

  get done(): boolean {
    return this.next >= this.walk.T;
  }

  /** One more timestep back; null once t = 0 has been processed. */
  async step(): Promise<BpttStep | null> {
    if (this.done) return null;
    const { T, B, H } = this.walk;
    const s = T - 1 - this.next;
    const { device } = this.trainer.ctx;
    const encoder = device.createCommandEncoder({ label: `bptt step ${s}` });
    encodeOps(encoder, this.walk.backward.range(s, 1));
    device.queue.submit([encoder.finish()]);
    this.next++;
    const all = await readTensor(device, { ...this.walk.dhProbe, offset: this.walk.dhProbe.offset + s * B * H * F32, size: B * H });
    let sq = 0;
    for (const v of all) sq += v * v;
    return { t: s, T, dh: all.slice(this.sample * H, (this.sample + 1) * H), norm: Math.sqrt(sq) };
  }
}
