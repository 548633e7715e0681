// For tests only: the Python that tests of "Export to PyTorch", safetensors and the torch bench peer
// run (`/usr/bin/python3`, Debian's, unless TIMESTEP_PYTHON names another), and what to do when it
// or its torch is missing: skip with a note saying what is needed, except under CI, which installs
// both (.ci/run), where the test fails instead of vanishing from the count.
import { spawnSync } from 'node:child_process';

export const PYTHON = process.env.TIMESTEP_PYTHON || '/usr/bin/python3';

const has = new Map<string, boolean>();
/** Whether PYTHON runs (`module` null) or imports `module`. */
export function imports(module: string | null): boolean {
  const key = module ?? '';
  if (!has.has(key)) {
    const args = module ? ['-c', `import ${module}`] : ['--version'];
    has.set(key, spawnSync(PYTHON, args, { stdio: 'ignore' }).status === 0);
  }
  return has.get(key)!;
}

/**
 * In a test or a beforeEach: skips it (with its reason) when PYTHON, or PYTHON with torch, is
 * missing; under CI throws instead.
 */
export function needPython(ctx: { skip: (note?: string) => void }, what: 'python' | 'torch'): void {
  if (imports(what === 'torch' ? 'torch' : null)) return;
  const note =
    what === 'torch'
      ? `needs PyTorch: ${PYTHON} cannot import torch (apt-get install python3-torch, or set TIMESTEP_PYTHON)`
      : `needs Python: no ${PYTHON} (apt-get install python3, or set TIMESTEP_PYTHON)`;
  if (process.env.CI) throw new Error(`${note}; CI installs it, so this is a failure`);
  ctx.skip(note);
}
