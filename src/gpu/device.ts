// Adapter and device acquisition. Asks for the adapter's larger limits (our kernels use big
// storage bindings and 256-thread workgroups) and the optional features we can exploit, and
// records what was granted so kernels can pick a path (e.g. subgroups or workgroup memory).

import { GpuError, NO_WEBGPU_HELP, watchDevice } from './errors';

/** Features used when present; every kernel has a fallback when they are absent. */
export const OPTIONAL_FEATURES = ['timestamp-query', 'subgroups'] as const;
export type OptionalFeature = (typeof OPTIONAL_FEATURES)[number];

/** Limits raised to the adapter's maximum when it offers more than the default. */
export const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;
export type RaisedLimit = (typeof RAISED_LIMITS)[number];

export interface GpuInfo {
  /** 'webgpu', or 'cpu' for the CPU backend (src/gpu/cpu), which implements the same API. */
  backend: 'webgpu' | 'cpu';
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (SwiftShader, WARP): correct, but slow. */
  isFallback: boolean;
  features: string[];
  /** Why the CPU backend is in use (no WebGPU, no adapter, chosen, measured faster); absent on WebGPU. */
  cpuReason?: string;
  /** The CPU backend: what its heaviest kernels run as ("WebAssembly SIMD", or "JavaScript loops" where that is missing). */
  cpuKernels?: string;
  /** The backend the page may switch to (src/worker/backend.ts); absent when there is none. */
  alternative?: 'webgpu' | 'cpu';
  /** A software adapter's start-up probe: ms per training step on each backend (src/worker/backendProbe.ts). */
  probe?: { webgpuMs: number; cpuMs: number; what: string };
  limits: Record<RaisedLimit | 'minStorageBufferOffsetAlignment' | 'minUniformBufferOffsetAlignment', number>;
}

export interface Gpu {
  device: GPUDevice;
  info: GpuInfo;
  has(feature: OptionalFeature): boolean;
}

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Called for every uncaptured error and when the device is lost. */
  onProblem?: (problem: GpuError) => void;
  /** Skip optional features (tests use this to exercise the fallbacks). */
  disableFeatures?: OptionalFeature[];
}

export async function acquireGpu(gpu: GPU | undefined, options: AcquireOptions = {}): Promise<Gpu> {
  if (!gpu) throw new GpuError('no-webgpu', NO_WEBGPU_HELP);
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new GpuError(
      'no-adapter',
      'WebGPU is present but no GPU adapter was offered. The GPU may be blocklisted for WebGPU, or ' +
        'hardware acceleration is off (chrome://settings/system). chrome://gpu lists the reason.',
    );
  }
  const disabled = new Set(options.disableFeatures ?? []);
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f) && !disabled.has(f));
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures: requiredFeatures as GPUFeatureName[], requiredLimits });
  } catch (error) {
    throw new GpuError('no-adapter', 'The GPU adapter refused to create a device.', String(error));
  }
  if (options.onProblem) watchDevice(device, options.onProblem);

  const adapterInfo: GPUAdapterInfo | undefined = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const limits = {} as GpuInfo['limits'];
  for (const name of [...RAISED_LIMITS, 'minStorageBufferOffsetAlignment', 'minUniformBufferOffsetAlignment'] as const) {
    limits[name] = device.limits[name] as number;
  }
  const info: GpuInfo = {
    backend: 'webgpu',
    vendor: adapterInfo?.vendor ?? '',
    architecture: adapterInfo?.architecture ?? '',
    device: adapterInfo?.device ?? '',
    description: adapterInfo?.description ?? '',
    isFallback: Boolean((adapterInfo as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter) || /swiftshader/i.test(`${adapterInfo?.vendor} ${adapterInfo?.architecture} ${adapterInfo?.description}`),
    features: [...device.features].sort(),
    limits,
  };
  return { device, info, has: (feature) => device.features.has(feature) };
}

/** A short human name for the adapter: "nvidia / hopper", "google / swiftshader". */
export function adapterName(info: GpuInfo): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((p) => p && p.length > 0);
  return parts.length > 0 ? [...new Set(parts)].join(' / ') : 'unknown GPU';
}
