// The kernel registry: every WGSL family, imported as text, with the shared math prepended.
// A kernel is named by its family here and by its entry point at the call site.

import mathWgsl from '../../shaders/math.wgsl?raw';
import activationsWgsl from '../../shaders/activations.wgsl?raw';
import matmulWgsl from '../../shaders/matmul.wgsl?raw';
import reduceWgsl from '../../shaders/reduce.wgsl?raw';
import optimWgsl from '../../shaders/optim.wgsl?raw';
import layoutWgsl from '../../shaders/layout.wgsl?raw';
import recurrentWgsl from '../../shaders/recurrent.wgsl?raw';
import lossWgsl from '../../shaders/loss.wgsl?raw';
import conv1dWgsl from '../../shaders/conv1d.wgsl?raw';
import normWgsl from '../../shaders/norm.wgsl?raw';
import mambaWgsl from '../../shaders/mamba.wgsl?raw';
import type { KernelSource } from '../gpu/pipelines';
import { PipelineCache } from '../gpu/pipelines';

/** A kernel family's source with the shared math prepended (a model family's own kernels may build theirs with it). */
export function withMath(name: string, code: string): KernelSource {
  return { name, code: `${mathWgsl}\n${code}` };
}

export const KERNELS = {
  activations: withMath('activations', activationsWgsl),
  matmul: { name: 'matmul', code: matmulWgsl },
  reduce: { name: 'reduce', code: reduceWgsl },
  optim: { name: 'optim', code: optimWgsl },
  layout: { name: 'layout', code: layoutWgsl },
  recurrent: withMath('recurrent', recurrentWgsl),
  loss: withMath('loss', lossWgsl),
  conv1d: { name: 'conv1d', code: conv1dWgsl },
  norm: { name: 'norm', code: normWgsl },
  mamba: withMath('mamba', mambaWgsl),
} satisfies Record<string, KernelSource>;

/** What every kernel wrapper needs: the device and the pipeline cache shared by all models on it. */
export interface KernelContext {
  device: GPUDevice;
  pipelines: PipelineCache;
}

export function kernelContext(device: GPUDevice): KernelContext {
  return { device, pipelines: new PipelineCache(device) };
}
