// The CPU twins of every WGSL kernel family, by the family's KernelSource name and entry point
// (the CPU device resolves a pipeline through here). A model family with its own shader adds its
// twins with one registerTwins call next to its KernelSource.

import { acquireCpuWith, type AcquireCpuOptions } from '../../gpu/cpu/acquire';
import type { FamilyTwins } from '../../gpu/cpu/twin';
import type { Gpu } from '../../gpu/device';
import { ACTIVATION_TWINS, LOSS_TWINS, OPTIM_TWINS, REDUCE_TWINS } from './elementwise';
import { CONV1D_TWINS, MAMBA_GLUE_TWINS, NORM_TWINS } from './mambaParts';
import { LAYOUT_TWINS, MATMUL_TWINS } from './matmul';
import { RECURRENT_TWINS } from './recurrent';
import { scanTwins } from './scan';
import { SCAN_BACKWARD_TWINS } from './scanBackward';
import { cpuProductName } from './simd';

const SCAN = scanTwins(SCAN_BACKWARD_TWINS);

const families = new Map<string, FamilyTwins>([
  ['activations', ACTIVATION_TWINS],
  ['matmul', MATMUL_TWINS],
  ['reduce', REDUCE_TWINS],
  ['optim', OPTIM_TWINS],
  ['layout', LAYOUT_TWINS],
  ['recurrent', RECURRENT_TWINS],
  ['loss', LOSS_TWINS],
  ['conv1d', CONV1D_TWINS],
  ['norm', NORM_TWINS],
  ['mamba', MAMBA_GLUE_TWINS],
  // Both variants of scan.wgsl (src/kernels/scan.ts scanKernel); the CPU device has no subgroups, but a twin does not care.
  ['scan', SCAN],
  ['scan-subgroups', SCAN],
]);

/** Adds (or replaces) a family's twins: one line beside a model family's own KernelSource. */
export function registerTwins(family: string, twins: FamilyTwins): void {
  families.set(family, twins);
}

export function twinsOf(family: string): FamilyTwins | undefined {
  return families.get(family);
}

/** The CPU backend, in the Gpu shape acquireGpu returns. */
export function acquireCpu(options: AcquireCpuOptions = {}): Gpu {
  const gpu = acquireCpuWith(twinsOf, options);
  const kernels = cpuProductName();
  return { ...gpu, info: { ...gpu.info, description: `CPU (float32, in the worker; ${kernels})`, cpuKernels: kernels } };
}
