// Typed messages between the UI (main thread) and the training worker, which owns the GPUDevice.
// The main thread never touches GPU objects: it sends commands and draws what comes back.

import type { GpuInfo } from '../gpu/device';
import type { GpuProblemKind } from '../gpu/errors';

export interface SelfTestResult {
  ok: boolean;
  /** What ran: e.g. "matmul 33x17x65 vs float64 reference". */
  what: string;
  maxRelErr: number;
  ms: number;
}

export type ToWorker = { type: 'init' } | { type: 'self-test' };

export type FromWorker =
  | { type: 'gpu-ready'; info: GpuInfo; selfTest: SelfTestResult }
  | { type: 'gpu-problem'; kind: GpuProblemKind; message: string; detail: string };

/** Posts a typed message (a thin wrapper so both ends are checked against the protocol). */
export function post<T extends ToWorker | FromWorker>(target: { postMessage(message: T): void }, message: T): void {
  target.postMessage(message);
}
