// Float64 forward of the encoder the trainer builds from Mamba blocks (src/models/mamba.ts's
// header): embed (Linear I→M), then one block, or mamba_ssm's MixerModel when stacked
// (s_{k+1} = s_k + Mamba_k(RMSNorm_k(s_k)), out = RMSNorm_f(s_N)). Batch-first, like the block.

import { mambaBlockPrefix, mambaParameterShapes, type MambaModelConfig, type MambaParams } from '../models/mambaParams';
import { mambaForward, rmsNorm } from './mamba';

/** x [B, T, I] → features [B, T, dModel]. */
export function mambaEncoderForward(cfg: MambaModelConfig, p: Record<string, Float64Array>, x: Float64Array, B: number): Float64Array {
  const { inputSize: I, dModel: M, numLayers: N } = cfg;
  const rows = x.length / I;
  const T = rows / B;
  let stream: Float64Array = new Float64Array(rows * M);
  for (let r = 0; r < rows; r++)
    for (let m = 0; m < M; m++) {
      let acc = p['embed.bias'][m];
      for (let i = 0; i < I; i++) acc += p['embed.weight'][m * I + i] * x[r * I + i];
      stream[r * M + m] = acc;
    }
  const stacked = N > 1;
  for (let k = 0; k < N; k++) {
    const block = Object.fromEntries(mambaParameterShapes(cfg).map(([n]) => [n, p[`${mambaBlockPrefix(cfg, k)}${n}`]])) as MambaParams;
    const input = stacked ? rmsNorm(stream, p[`layers.${k}.norm.weight`], M) : stream;
    const y = mambaForward(cfg, block, input, B, T).y;
    stream = stacked ? stream.map((v, i) => v + y[i]) : y;
  }
  return stacked ? rmsNorm(stream, p['norm_f.weight'], M) : stream;
}
