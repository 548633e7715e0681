// Pipeline cache keyed by kernel, entry point and override constants. Shader modules are compiled
// once per source text; a WGSL error becomes a GpuError that shows the failing line and caret.

import { GpuError, formatCompilationMessages } from './errors';

export interface KernelSource {
  /** Family name, used in labels and error messages ("matmul", "lstm"). */
  name: string;
  /** Full WGSL source (shared helpers already prepended). */
  code: string;
}

export type OverrideConstants = Record<string, number | boolean>;

/** Set `globalThis.TIMESTEP_DEBUG = true` (or env TIMESTEP_DEBUG=1) to print the WGSL of a failing kernel. */
function debugEnabled(): boolean {
  const g = globalThis as { TIMESTEP_DEBUG?: boolean; process?: { env?: Record<string, string | undefined> } };
  return Boolean(g.TIMESTEP_DEBUG) || g.process?.env?.TIMESTEP_DEBUG === '1';
}

export class PipelineCache {
  private readonly modules = new Map<string, Promise<GPUShaderModule>>();
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  /** The compiled pipeline for `kernel`'s `entryPoint` with these override constants. */
  get(kernel: KernelSource, entryPoint: string, constants: OverrideConstants = {}): Promise<GPUComputePipeline> {
    const key = pipelineKey(kernel, entryPoint, constants);
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      pipeline = this.build(kernel, entryPoint, constants);
      this.pipelines.set(key, pipeline);
      // A failed build must not poison the cache: the next call tries again.
      pipeline.catch(() => this.pipelines.delete(key));
    }
    return pipeline;
  }

  private module(kernel: KernelSource): Promise<GPUShaderModule> {
    let module = this.modules.get(kernel.code);
    if (!module) {
      module = compileModule(this.device, kernel);
      this.modules.set(kernel.code, module);
      module.catch(() => this.modules.delete(kernel.code));
    }
    return module;
  }

  private async build(kernel: KernelSource, entryPoint: string, constants: OverrideConstants): Promise<GPUComputePipeline> {
    const module = await this.module(kernel);
    const numeric: Record<string, number> = {};
    for (const [k, v] of Object.entries(constants)) numeric[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    this.device.pushErrorScope('validation');
    let pipeline: GPUComputePipeline | undefined;
    let thrown: unknown;
    try {
      pipeline = await this.device.createComputePipelineAsync({
        label: `${kernel.name}.${entryPoint}`,
        layout: 'auto',
        compute: { module, entryPoint, constants: numeric },
      });
    } catch (error) {
      thrown = error;
    }
    const scoped = await this.device.popErrorScope();
    if (thrown || scoped || !pipeline) {
      const why = String((thrown as Error)?.message ?? scoped?.message ?? 'unknown error');
      if (debugEnabled()) console.error(`[timestep] pipeline ${kernel.name}.${entryPoint} failed:\n${kernel.code}`);
      throw new GpuError('compile', `Kernel ${kernel.name}.${entryPoint} could not be built: ${why.split('\n')[0]}`, why);
    }
    return pipeline;
  }
}

export function pipelineKey(kernel: KernelSource, entryPoint: string, constants: OverrideConstants): string {
  const sorted = Object.keys(constants)
    .sort()
    .map((k) => `${k}=${Number(constants[k])}`)
    .join(',');
  return `${kernel.name}|${entryPoint}|${sorted}|${hashString(kernel.code)}`;
}

async function compileModule(device: GPUDevice, kernel: KernelSource): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ label: kernel.name, code: kernel.code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    const listing = formatCompilationMessages(`${kernel.name}.wgsl`, kernel.code, errors);
    if (debugEnabled()) console.error(`[timestep] WGSL of ${kernel.name}:\n${kernel.code}`);
    throw new GpuError('compile', `WGSL kernel ${kernel.name} does not compile:\n${listing}`, listing);
  }
  return module;
}

/** FNV-1a, enough to tell two sources apart in a cache key. */
function hashString(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
