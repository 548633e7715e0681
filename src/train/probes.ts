// Probes: what the visualisations read (hidden states, gates, ∂L/∂h_t by time, predictions) for
// one sample, gathered by copies recorded after a training step and read back asynchronously.
// The training loop never waits for them.

import { encodeOps } from '../gpu/dispatch';
import { F32, type Tensor } from '../gpu/tensor';
import { argmax } from './sampling';
import type { Trainer } from './trainer';

export interface ProbeData {
  step: number;
  sample: number;
  T: number;
  units: number;
  hidden: Float32Array;
  gates: Record<string, Float32Array>;
  gradNormByTime: Float32Array;
  prediction: Float32Array;
  target: Float32Array;
  outputs: number;
}

interface Span {
  tensor: Tensor;
  at: number;
}

/** Copies many small tensor views into one staging buffer and hands back their values. */
function gather(device: GPUDevice, encoder: GPUCommandEncoder, groups: Tensor[][]): () => Promise<Float32Array[]> {
  const spans: Span[][] = [];
  let bytes = 0;
  for (const g of groups) {
    const s: Span[] = [];
    for (const t of g) {
      s.push({ tensor: t, at: bytes });
      bytes += t.size * F32;
    }
    spans.push(s);
  }
  const staging = device.createBuffer({ label: 'probe staging', size: Math.max(4, bytes), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  for (const s of spans) for (const { tensor, at } of s) if (tensor.size > 0) encoder.copyBufferToBuffer(tensor.buffer, tensor.offset, staging, at, tensor.size * F32);
  return async () => {
    await staging.mapAsync(GPUMapMode.READ);
    const all = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return spans.map((s) => {
      const n = s.reduce((k, { tensor }) => k + tensor.size, 0);
      const out = new Float32Array(n);
      let k = 0;
      for (const { tensor, at } of s) {
        out.set(all.subarray(at / F32, at / F32 + tensor.size), k);
        k += tensor.size;
      }
      return out;
    });
  };
}

/** Records a probe of the trainer's latest step for `sample` and resolves when its data is back. */
export async function probeTrainer(trainer: Trainer, sample: number, layer: number): Promise<ProbeData> {
  const { device } = trainer.ctx;
  const views = await trainer.encoder.probeViews(sample, layer);
  const { batch: B, seqLen: T, outputSize: O } = trainer.cfg;
  const b = Math.min(Math.max(sample, 0), B - 1);
  const perTarget = trainer.cfg.loss === 'mse' ? O : 1;
  const rowsOf = (t: Tensor, width: number): Tensor[] =>
    trainer.cfg.task === 'many-to-many'
      ? Array.from({ length: T }, (_, s) => ({ ...t, offset: t.offset + (s * B + b) * width * F32, size: width }))
      : [{ ...t, offset: t.offset + b * width * F32, size: width }];
  const gateKeys = Object.keys(views.gates);
  const encoder = device.createCommandEncoder({ label: 'probe' });
  encodeOps(encoder, views.gradNormOps);
  const read = gather(device, encoder, [
    views.hidden,
    [views.gradNormSumsq],
    rowsOf(trainer.pred, O),
    rowsOf(trainer.target, perTarget),
    ...gateKeys.map((k) => views.gates[k].views),
  ]);
  device.queue.submit([encoder.finish()]);
  const step = trainer.optimizer.stepCount;
  const [hidden, sumsq, prediction, target, ...gateData] = await read();
  const gates: Record<string, Float32Array> = {};
  gateKeys.forEach((k, i) => {
    if (k === 'packed') {
      // (T, G·H) → one (T, H) map per gate name.
      const H = views.gates[k].width / 4;
      views.gateNames.forEach((name, g) => {
        const map = new Float32Array(views.T * H);
        for (let t = 0; t < views.T; t++) map.set(gateData[i].subarray(t * 4 * H + g * H, t * 4 * H + (g + 1) * H), t * H);
        gates[name] = map;
      });
    } else gates[k] = gateData[i];
  });
  // For classes, show the predicted class (argmax of the logits) against the target class.
  const predicted = trainer.cfg.loss === 'mse' ? prediction : argmaxRows(prediction, O);
  return {
    step,
    sample: b,
    T: views.T,
    units: views.units,
    hidden,
    gates,
    gradNormByTime: sumsq.map(Math.sqrt),
    prediction: predicted,
    target,
    outputs: perTarget,
  };
}

function argmaxRows(logits: Float32Array, classes: number): Float32Array {
  return Float32Array.from({ length: logits.length / classes }, (_, r) => argmax(logits.subarray(r * classes, (r + 1) * classes)));
}
