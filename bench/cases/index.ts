// The registry of benchmark cases, in the order they run and print. Both the browser page and the
// Node bench run exactly this list.
//
// Adding a case:
//   1. bench/cases/<name>.ts exports a BenchCase (see bench/suite.ts). `prepare(env, size)` builds
//      what that size needs with env.ctx (the shared KernelContext) and returns either the ops of
//      ONE iteration (dispatches only: the harness encodes them into one compute pass, warms up,
//      batches and takes the median; scan.ts) or `submit(count)`, which queues `count` iterations
//      itself, for work that is several passes, copies or its own submit (a Trainer step,
//      train.ts; a model's forward with copies, mamba.ts). `size` is whatever the case wants it to
//      mean (hidden size, sequence length); `shape` says it in the table. `work` may be null.
//      Give `defaultSizes` when a run of every case on a slow adapter should take only some.
//   2. Optionally a `peer` spec: add its shape to PeerSpec in suite.ts and teach the peers
//      (bench/peers/tfjs.ts, bench/peers/torch.ts) to time it, e.g. torch.nn.LSTM (cuDNN).
//   3. List it below.
//
// train.ts: LSTM/GRU training steps (Trainer.step), peers tfjs trainOnBatch and PyTorch cuDNN.
// minrnn.ts: minGRU/minLSTM training steps beside an LSTM of equal parameter count, T to 16384;
//   peer PyTorch (minGRU/minLSTM as the paper's log-space scan, the LSTM cuDNN), none in tfjs.
// scan.ts: the selective scan, parallel and sequential, forward and backward; peer: PyTorch's
//   python-loop selective_scan_ref at L <= 4096. mamba.ts: the whole Mamba forward (no peer).

import type { BenchCase } from '../suite';
import { elementwiseCases } from './elementwise';
import { mambaCases } from './mamba';
import { matmulCases } from './matmul';
import { minRnnCases } from './minrnn';
import { scanCases } from './scan';
import { trainCases } from './train';

export const BENCH_CASES: readonly BenchCase[] = [...matmulCases, ...elementwiseCases, ...trainCases, ...minRnnCases, ...scanCases, ...mambaCases];
