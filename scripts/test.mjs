#!/usr/bin/env node
// `npm test`: the type-check; Vitest on WebGPU (real WGSL through Dawn, SwiftShader without a GPU);
// the test files that opened a device again on the CPU backend (TIMESTEP_BACKEND=cpu: each WGSL
// kernel's CPU twin), with its WebAssembly SIMD and without it (TIMESTEP_CPU_SIMD=off), restricted to
// kernels, models, training and the CPU backend itself, since only they differ there; then the
// browser tests (Playwright in Chromium). Prints every skipped test with its reason, each phase's
// time, and ends with `tests: N passed, N failed, N skipped`.
//
//   node scripts/test.mjs            everything
//   node scripts/test.mjs unit       type-check and Vitest only
//   node scripts/test.mjs e2e        browser tests only
//
// Under CI (env CI set, as .ci/run does) a test skipped for want of something CI installs
// (PyTorch, a browser: its note starts with "needs ") counts as a failure, and so does `.only`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { NO_BROWSER_HELP, findChromium } from './browser.mjs';

const USAGE = 'usage: node scripts/test.mjs [unit|e2e]';
const args = process.argv.slice(2);
if (args.length > 1 || (args.length === 1 && !['unit', 'e2e'].includes(args[0]))) {
  console.error(`scripts/test.mjs: unknown argument ${args.map((a) => `'${a}'`).join(' ')}\n${USAGE}`);
  process.exit(2);
}
const only = args[0];
const CI = Boolean(process.env.CI);
mkdirSync('.build', { recursive: true });

let passed = 0;
let failed = 0;
const skipped = []; // { where, name, note }
const problems = []; // lines explaining failures outside a test
const phases = []; // { title, seconds, ok }

/** Runs one phase; its report file is removed first, so a crashed runner is never counted from an old one. */
function run(title, cmd, args, { env = {}, report } = {}) {
  if (report) rmSync(report, { force: true });
  console.log(`\n=== ${title}: ${[cmd, ...args].join(' ')}`);
  const start = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  phases.push({ title, seconds: (Date.now() - start) / 1000, ok });
  if (!ok) console.error(`=== ${title} failed (exit ${r.status ?? r.signal})`);
  return ok;
}

/** Counts a phase from its report; a phase that failed with nothing failed in its report still fails once. */
function count(title, ok, report, read) {
  if (!report || !existsSync(report)) {
    if (!ok) {
      failed += 1;
      problems.push(`${title}: the runner stopped without a report`);
    }
    return;
  }
  const before = failed;
  read(JSON.parse(readFileSync(report, 'utf8')));
  if (!ok && failed === before) {
    failed += 1;
    problems.push(`${title}: exited with an error although no test in its report failed`);
  }
}

function skip(where, name, note) {
  if (CI && /^needs /.test(note ?? '')) {
    failed += 1;
    problems.push(`${where}: ${name}: skipped under CI: ${note}`);
  } else skipped.push({ where, name, note });
}

function vitest(title, files, env) {
  const report = `.build/vitest-${phases.length}.json`;
  const ok = run(title, 'node', ['scripts/with-gpu-env.mjs', 'npx', 'vitest', 'run', ...files, '--reporter=default', '--reporter=./scripts/vitest-count.mjs'], {
    env: { ...env, TIMESTEP_COUNT_FILE: report },
    report,
  });
  count(title, ok, report, (j) => {
    for (const t of j.tests) {
      if (t.state === 'passed') passed += 1;
      else if (t.state === 'failed') failed += 1;
      else skip(title, `${t.file} › ${t.name}`, t.note);
    }
    for (const m of j.brokenModules) {
      failed += 1;
      problems.push(`${title}: ${m.file} did not run: ${m.error}`);
    }
    if (j.unhandledErrors) {
      failed += j.unhandledErrors;
      problems.push(`${title}: ${j.unhandledErrors} error(s) outside any test`);
    }
  });
  return ok;
}

if (!only || only === 'unit') {
  run('type-check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  if (!phases.at(-1).ok) {
    failed += 1;
    problems.push('type-check: tsc found errors');
  }
  // Every test file on WebGPU; the setup file writes down which of them opened a device.
  const deviceFiles = '.build/device-files.txt';
  rmSync(deviceFiles, { force: true });
  const webgpuOk = vitest('unit and kernel tests (WebGPU)', [], { TIMESTEP_DEVICE_FILES: deviceFiles });
  // The CPU backend differs in kernels, models, training and itself: those of the files that
  // opened a device run again there. Should the WebGPU pass have stopped short, its list is
  // incomplete, so every test file of those folders runs instead.
  const folders = ['src/kernels/', 'src/models/', 'src/train/', 'src/gpu/cpu/'];
  const opened = webgpuOk && existsSync(deviceFiles) ? [...new Set(readFileSync(deviceFiles, 'utf8').split('\n').filter(Boolean))].map((f) => relative(process.cwd(), f)) : null;
  const cpuFiles = opened ? opened.filter((f) => folders.some((d) => f.startsWith(d))) : folders;
  // The SIMD kernels' own tests open no device but are the CPU backend's.
  const simd = ['src/kernels/cpu/'];
  vitest('kernel, model and training tests on the CPU backend', [...new Set([...cpuFiles, ...simd])].sort(), { TIMESTEP_BACKEND: 'cpu' });
  const plain = [...new Set([...cpuFiles.filter((f) => !f.startsWith('src/gpu/')), ...simd])].sort();
  vitest('the same on the CPU backend without WebAssembly SIMD', plain, { TIMESTEP_BACKEND: 'cpu', TIMESTEP_CPU_SIMD: 'off' });
}

if (!only || only === 'e2e') {
  if (!findChromium()) {
    console.error(`\n${NO_BROWSER_HELP}`);
    skip('browser tests', 'every browser test', `needs a Chromium: ${NO_BROWSER_HELP}`);
  } else {
    const report = '.build/playwright.json';
    const title = 'browser tests';
    const ok = run(title, 'node', ['scripts/with-gpu-env.mjs', 'npx', 'playwright', 'test', '--reporter=list,json'], { env: { PLAYWRIGHT_JSON_OUTPUT_NAME: report }, report });
    count(title, ok, report, (j) => {
      const walk = (suite) => {
        for (const spec of suite.specs ?? []) {
          for (const t of spec.tests) {
            const name = `${spec.file}:${spec.line} › ${spec.title}`;
            if (t.status === 'expected') passed += 1;
            else if (t.status === 'skipped') skip(title, name, t.annotations.find((a) => a.type === 'skip')?.description);
            else failed += 1; // unexpected, or flaky: a race to fix, never a pass
          }
        }
        for (const s of suite.suites ?? []) walk(s);
      };
      for (const s of j.suites) walk(s);
      for (const e of j.errors ?? []) {
        failed += 1;
        problems.push(`${title}: ${String(e.message).split('\n')[0]}`);
      }
    });
  }
}

if (skipped.length) {
  console.log(`\nskipped (${skipped.length}):`);
  for (const s of skipped) console.log(`  - ${s.where}: ${s.name}\n      ${s.note ?? 'no reason given'}`);
}
if (problems.length) {
  console.log('\nfailures outside a test:');
  for (const p of problems) console.log(`  - ${p}`);
}
console.log('\nphases:');
for (const p of phases) console.log(`  ${p.seconds.toFixed(0).padStart(5)} s  ${p.ok ? 'ok    ' : 'FAILED'}  ${p.title}`);
console.log(`  ${phases.reduce((s, p) => s + p.seconds, 0).toFixed(0).padStart(5)} s  in all`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped.length} skipped`);
process.exit(failed === 0 && phases.every((p) => p.ok) ? 0 : 1);
