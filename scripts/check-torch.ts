// npm run check:torch -- [--schedule=persistent|stepwise] [--backend=webgpu|cpu] [FILE...]
// Runs PyTorch fixture files (any file of the format in test-data/torch/README.md; without FILEs,
// every file of test-data/torch, the repository's own) through the WGSL kernels (Dawn; SwiftShader without a GPU), or with
// --backend=cpu through their CPU twins (src/gpu/cpu, src/kernels/cpu), and prints
// one line per file: PASS|FAIL <name> <worst tensor> err=<x>. Exits non-zero if any file fails
// or cannot be read. --schedule runs the recurrent models in that GPU schedule instead of the one
// training would choose for the size.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { nodeGpu } from '../src/gpu/node';
import { kernelContext } from '../src/kernels/registry';
import { parseFixture } from '../src/reference/fixtures';
import { checkFixture, UnsupportedFixture, type CheckOptions } from '../src/train/checkFixture';

const USAGE = 'usage: npm run check:torch -- [--schedule=persistent|stepwise] [--backend=webgpu|cpu] [FILE.json ...]';
/** The repository's own fixtures (scripts/make-torch-fixtures.py writes them), checked when no file is named. */
const OWN = resolve(import.meta.dirname, '..', 'test-data', 'torch');

async function main(args: string[]): Promise<number> {
  const options: CheckOptions = {};
  const files: string[] = [];
  for (const arg of args) {
    const schedule = /^--schedule=(.*)$/.exec(arg);
    const backend = /^--backend=(.*)$/.exec(arg);
    if (backend) {
      if (backend[1] !== 'webgpu' && backend[1] !== 'cpu') {
        console.error(`--backend=${backend[1]}: the backends are webgpu and cpu\n${USAGE}`);
        return 2;
      }
      // nodeGpu reads it (src/gpu/node.ts); the flag wins over the environment.
      process.env.TIMESTEP_BACKEND = backend[1];
    } else if (schedule) {
      if (schedule[1] !== 'persistent' && schedule[1] !== 'stepwise') {
        console.error(`--schedule=${schedule[1]}: the schedules are persistent and stepwise\n${USAGE}`);
        return 2;
      }
      options.schedule = schedule[1];
    } else if (arg.startsWith('--')) {
      console.error(`unknown option ${arg}\n${USAGE}`);
      return 2;
    } else files.push(arg);
  }
  if (files.length === 0) {
    files.push(...readdirSync(OWN).filter((f) => f.endsWith('.json')).sort().map((f) => join(OWN, f)));
    console.error(`no files named: checking the ${files.length} in ${OWN}`);
  }
  const gpu = await nodeGpu();
  // On stderr, so stdout stays one line per file.
  console.error(`check:torch on ${gpu.info.backend === 'cpu' ? gpu.info.description : `WebGPU (${gpu.info.description || gpu.info.vendor || 'adapter'})`}`);
  const ctx = kernelContext(gpu.device);
  let failed = 0;
  for (const file of files) {
    const name = basename(file);
    try {
      // npm runs scripts from the package root; paths are the user's, relative to where they typed.
      const fx = parseFixture(readFileSync(resolve(process.env.INIT_CWD ?? '.', file), 'utf8'), name);
      const r = await checkFixture(ctx, fx, options);
      console.log(`${r.pass ? 'PASS' : 'FAIL'} ${r.name} ${r.worst.tensor.replace(/\s+/g, '_')} err=${r.worst.err.toExponential(2)}`);
      if (!r.pass) failed++;
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      console.log(`FAIL ${name.replace(/\.json$/, '')} - err=${error instanceof UnsupportedFixture ? 'unsupported' : 'unreadable'}`);
      console.error(`  ${message.startsWith(name) ? message : `${name}: ${message}`}`);
      failed++;
    }
  }
  gpu.device.destroy();
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2).filter((a) => a !== '--')).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
