// One place that turns what WebGPU reports (a lost device, an uncaptured validation or
// out-of-memory error, a shader that does not compile) into a message a person can act on.

export type GpuProblemKind = 'no-webgpu' | 'no-adapter' | 'device-lost' | 'validation' | 'out-of-memory' | 'internal' | 'compile';

export class GpuError extends Error {
  constructor(
    readonly kind: GpuProblemKind,
    message: string,
    /** Technical detail (the driver's own words, a WGSL listing) for a "details" disclosure. */
    readonly detail = '',
  ) {
    super(message);
    this.name = 'GpuError';
  }
}

/** What to tell a person whose browser has no `navigator.gpu`. */
export const NO_WEBGPU_HELP =
  'This browser does not expose WebGPU. Timestep trains on your GPU through WebGPU, which ships in ' +
  'Chrome and Edge 113+ on Windows, macOS and ChromeOS, Chrome 121+ on Android, Safari 26+, and ' +
  'Firefox 141+ on Windows. On Linux, start Chrome with --enable-unsafe-webgpu (and --enable-features=Vulkan), ' +
  'or enable chrome://flags/#enable-unsafe-webgpu. The page must be served over https or from localhost.';

export function describeUncaptured(error: GPUError): GpuError {
  const text = error.message || String(error);
  if (typeof GPUOutOfMemoryError !== 'undefined' && error instanceof GPUOutOfMemoryError) {
    return new GpuError(
      'out-of-memory',
      'The GPU ran out of memory. Try a smaller batch, hidden size or sequence length.',
      text,
    );
  }
  if (typeof GPUValidationError !== 'undefined' && error instanceof GPUValidationError) {
    return new GpuError('validation', `A GPU command was rejected: ${firstLine(text)}`, text);
  }
  return new GpuError('internal', `The GPU reported an internal error: ${firstLine(text)}`, text);
}

export function describeLost(info: GPUDeviceLostInfo): GpuError {
  return new GpuError(
    'device-lost',
    'The GPU device was lost (the driver reset it, another tab took the GPU, or the machine slept). ' +
      'Your data and settings are kept: press "Reconnect GPU" to continue from the last saved parameters.',
    info.message,
  );
}

/**
 * Watches a device for the two ways it fails asynchronously. `onProblem` is called once per
 * uncaptured error and once when the device is lost; nothing is thrown into the void.
 */
export function watchDevice(device: GPUDevice, onProblem: (problem: GpuError) => void): void {
  device.addEventListener('uncapturederror', (event) => {
    onProblem(describeUncaptured((event as GPUUncapturedErrorEvent).error));
  });
  void device.lost.then((info) => onProblem(describeLost(info)));
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim().length > 0) ?? text;
  return line.trim();
}

/**
 * Formats WGSL compilation messages with the offending source line and a caret under the column,
 * the way a compiler would, so a failing kernel can be fixed without guessing.
 */
export function formatCompilationMessages(label: string, code: string, messages: readonly GPUCompilationMessage[]): string {
  const lines = code.split('\n');
  const out: string[] = [];
  for (const m of messages) {
    out.push(`${label}:${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`);
    const src = lines[m.lineNum - 1];
    if (src !== undefined) {
      out.push(`  ${String(m.lineNum).padStart(4)} | ${src}`);
      out.push(`       | ${' '.repeat(Math.max(0, m.linePos - 1))}^`);
    }
  }
  return out.join('\n');
}
