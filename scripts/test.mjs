#!/usr/bin/env node
// `npm test`: type-check, unit and kernel tests (Vitest; real WGSL through Dawn, SwiftShader
// without a GPU), the kernel, model and training tests again on the CPU backend
// (TIMESTEP_BACKEND=cpu: the WGSL kernels' CPU twins; with their WebAssembly SIMD matrix product,
// then without it), then the browser tests (Playwright in
// Chromium with WebGPU). Ends with one line `tests: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { NO_BROWSER_HELP, findChromium } from './browser.mjs';

const only = process.argv[2]; // optional: "unit" or "e2e"
mkdirSync('.build', { recursive: true });
let passed = 0;
let failed = 0;
let ok = true;

function run(title, cmd, args) {
  console.log(`\n=== ${title}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    ok = false;
    console.error(`=== ${title} failed (exit ${r.status ?? r.signal})`);
  }
  return r.status === 0;
}

function countJson(path, count) {
  if (!existsSync(path)) return;
  try {
    const [p, f] = count(JSON.parse(readFileSync(path, 'utf8')));
    passed += p;
    failed += f;
  } catch {
    // A crashed runner leaves no report; its exit status already failed the run.
  }
}

if (!only || only === 'unit') {
  run('type-check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  run('unit and kernel tests', 'node', ['scripts/with-gpu-env.mjs', 'npx', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=.build/vitest.json']);
  countJson('.build/vitest.json', (j) => [j.numPassedTests ?? 0, (j.numFailedTests ?? 0) + (j.numFailedTestSuites ?? 0)]);
  // The same suites on the CPU backend: every twin against the same float64 references and PyTorch fixtures.
  process.env.TIMESTEP_BACKEND = 'cpu';
  run('kernel, model and training tests on the CPU backend', 'npx', ['vitest', 'run', 'src/kernels', 'src/models', 'src/train', 'src/gpu/cpu', '--reporter=default', '--reporter=json', '--outputFile.json=.build/vitest-cpu.json']);
  countJson('.build/vitest-cpu.json', (j) => [j.numPassedTests ?? 0, (j.numFailedTests ?? 0) + (j.numFailedTestSuites ?? 0)]);
  // Once more without WebAssembly SIMD (TIMESTEP_CPU_SIMD=off): the plain loops a browser without it runs.
  process.env.TIMESTEP_CPU_SIMD = 'off';
  run('the same on the CPU backend without WebAssembly SIMD', 'npx', ['vitest', 'run', 'src/kernels', 'src/models', 'src/train', '--reporter=default', '--reporter=json', '--outputFile.json=.build/vitest-cpu-plain.json']);
  delete process.env.TIMESTEP_CPU_SIMD;
  delete process.env.TIMESTEP_BACKEND;
  countJson('.build/vitest-cpu-plain.json', (j) => [j.numPassedTests ?? 0, (j.numFailedTests ?? 0) + (j.numFailedTestSuites ?? 0)]);
}

if (!only || only === 'e2e') {
  if (!findChromium()) {
    console.error(`\n${NO_BROWSER_HELP}`);
    ok = false;
    failed += 1;
  } else {
    process.env.PLAYWRIGHT_JSON_OUTPUT_NAME = '.build/playwright.json';
    run('browser tests', 'node', ['scripts/with-gpu-env.mjs', 'npx', 'playwright', 'test', '--reporter=list,json']);
    countJson('.build/playwright.json', (j) => [j.stats?.expected ?? 0, (j.stats?.unexpected ?? 0) + (j.stats?.flaky ?? 0)]);
  }
}

console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
