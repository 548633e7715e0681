// The registry of benchmark cases, in the order they run and print. Both the browser page and the
// Node bench run exactly this list.
//
// Adding a case (an LSTM/GRU training step, the Mamba scan):
//   1. bench/cases/lstm.ts exports a BenchCase (see bench/suite.ts). `prepare(env, size)` builds the
//      model for that size with env.ctx (the shared KernelContext) and returns the ops of ONE
//      iteration, e.g. a whole training step (forward, backward tape, Adam) as recorded GpuOps.
//      The harness encodes them into one compute pass, warms up, batches and takes the median.
//      `size` is whatever the case wants it to mean (hidden size, sequence length); `shape` says
//      it in the table ("H=256 T=64 B=32"). `work` may be null: the row then shows ms only.
//   2. Optionally a `peer` spec: add its shape to PeerSpec in suite.ts and teach the peers
//      (bench/peers/tfjs.ts, bench/peers/torch.ts) to time it, e.g. torch.nn.LSTM (cuDNN).
//   3. List it below.

import type { BenchCase } from '../suite';
import { elementwiseCases } from './elementwise';
import { matmulCases } from './matmul';

export const BENCH_CASES: readonly BenchCase[] = [...matmulCases, ...elementwiseCases];
