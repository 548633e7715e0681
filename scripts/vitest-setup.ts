// Runs in every Vitest test file. With TIMESTEP_DEVICE_FILES set (scripts/test.mjs sets it on the
// WebGPU pass), a file that opened a device (src/gpu/node.ts marks it) is written down, so that the
// CPU-backend passes run exactly the files a backend can change, and none that it cannot.
import { appendFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
import { deviceOpenedHere } from '../src/gpu/node';

afterAll(() => {
  const out = process.env.TIMESTEP_DEVICE_FILES;
  const file = expect.getState().testPath;
  if (out && file && deviceOpenedHere()) appendFileSync(out, `${file}\n`);
});
