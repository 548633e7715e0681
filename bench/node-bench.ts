// The benchmark suite in Node, on WebGPU through Dawn: SwiftShader here, the real GPU where there is
// one; or, with --backend=cpu, on the CPU backend (src/gpu/cpu), rows named cpu:<case> as the bench
// page names them, so the CPU backend is benched without a browser. Bundled by
// scripts/bundle-node.mjs into .build/node-bench.mjs (npm run bench:node), which also runs on the
// GPU machine with nothing but Node and the `webgpu` package (bench/RESULTS.md).
//
//   node .build/node-bench.mjs [--backend=webgpu|cpu] [--quick] [--full] [--torch] [--only=matmul,adam]
//                              [--sizes=256,512] [--reps=N] [--out=results.json]

import { existsSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import type { Gpu } from '../src/gpu/device';
import { nodeGpu } from '../src/gpu/node';
import { acquireCpu } from '../src/kernels/cpu';
import { BENCH_CASES } from './cases';
import { torchPeer } from './peers/torch';
import { formatReport, type BenchResults, type ReportMeta } from './report';
import { attachPeer, resolveConfig, runSuite, type ConfigRequest } from './suite';

const USAGE = `usage: node node-bench.mjs [options]
  --backend=B      webgpu (Dawn; the default) or cpu (the CPU backend: rows cpu:<case>, sizes
                   reduced as on a software adapter unless --full; no --torch)
  --quick          fewer, smaller sizes
  --full           full sizes even on a software adapter (SwiftShader: slow)
  --torch          time the same shapes with PyTorch on CUDA (python3) and report ours/torch
  --only=a,b       only cases whose id or group matches (matmul, matmul-tA, tanh-forward, adam,
                   train, lstm-train, gru-train, minrnn, mingru-train, scan, scan-parallel-forward,
                   ...); a case named here runs all its sizes (a run of everything on a
                   software adapter runs a subset)
  --sizes=a,b      replace the cases' sizes (matmul: square size; elementwise: element count;
                   train: hidden size naming the configuration 128, 256, 64 or 512, or 1024
                   for the schedules' crossover (B128 T128 I32 H1024); scan: L)
  --reps=N         timed passes per row
  --out=FILE       where to write the JSON (default bench/results-node.json, or ./node-bench-results.json;
                   with --backend=cpu, results-node-cpu.json / node-bench-cpu-results.json)`;

interface Options extends ConfigRequest {
  backend: 'webgpu' | 'cpu';
  torch: boolean;
  out: string | null;
}

function parseList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { backend: 'webgpu', torch: false, out: null };
  for (const arg of argv) {
    const [flag, value = ''] = arg.split(/=(.*)/s);
    switch (flag) {
      case '--backend':
        if (value !== 'webgpu' && value !== 'cpu') fail(`--backend takes webgpu or cpu, not '${value}'`);
        o.backend = value as Options['backend'];
        break;
      case '--quick': o.quick = true; break;
      case '--full': o.full = true; break;
      case '--torch': o.torch = true; break;
      case '--only': o.only = parseList(value); break;
      case '--sizes': o.sizes = parseList(value).map(Number).filter((n) => Number.isInteger(n) && n > 0); break;
      case '--reps': o.reps = Number(value); break;
      case '--out': o.out = value; break;
      case '-h':
      case '--help': console.log(USAGE); process.exit(0); break;
      default: fail(`unknown option ${arg}`);
    }
  }
  // PyTorch is timed on CUDA: beside the CPU backend its ratio would say nothing.
  if (o.backend === 'cpu' && o.torch) fail('--torch times PyTorch on CUDA, no peer of the CPU backend: leave one out');
  return o;
}

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/** The backend asked for, and the adapter line's words for it. */
async function acquire(backend: Options['backend']): Promise<Gpu> {
  // The CPU backend directly (not nodeGpu's TIMESTEP_BACKEND), so a flag alone decides.
  return backend === 'cpu' ? acquireCpu() : nodeGpu();
}

function machine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    platform: `${platform()} ${release()}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const started = new Date();
  const gpu = await acquire(options.backend);
  const onCpu = gpu.info.backend === 'cpu';
  // The CPU backend is a CPU: the software adapter's reduced sizes (the bench page times its cpu:
  // rows at SwiftShader's profile too), unless --full.
  const config = resolveConfig(onCpu ? { ...gpu.info, isFallback: true } : gpu.info, options);
  if (onCpu) config.reason = options.full ? 'full sizes forced on the CPU backend' : 'the CPU backend: sizes reduced as on a software adapter (--full forces full sizes)';
  const log = (message: string) => console.error(`[bench] ${message}`);
  log(`${onCpu ? 'backend cpu' : 'adapter'} ${gpu.info.vendor || '?'} / ${gpu.info.architecture || gpu.info.description || '?'}${gpu.info.isFallback ? ' (software fallback)' : ''}; profile ${config.profile}: ${config.reason}`);
  const suite = await runSuite(gpu, BENCH_CASES, config, log);
  gpu.device.destroy();
  // Named as the bench page names the CPU backend's rows, so the two read side by side.
  if (onCpu) for (const row of suite.rows) row.case = `cpu:${row.case}`;

  let peerLine = 'none (pass --torch to time PyTorch on CUDA)';
  if (options.torch) {
    const peer = torchPeer();
    const skipped = await attachPeer(suite.rows, peer, config, log);
    peerLine = skipped ? `torch skipped: ${skipped}` : (peer.detail ?? peer.name);
  }

  const meta: ReportMeta = {
    environment: onCpu ? `node ${process.version} (the CPU backend, src/gpu/cpu)` : `node ${process.version} (Dawn, the webgpu package)`,
    adapter: `${suite.adapter}${gpu.info.isFallback ? ' (software fallback: CPU figures)' : ''}`,
    profile: config.profile,
    reason: config.reason,
    date: started.toISOString(),
    peer: peerLine,
  };
  const text = formatReport(meta, suite.rows);
  console.log(`\n${text}`);

  const results: BenchResults = { status: 'done', meta, machine: machine(), info: suite.info, config, rows: suite.rows, text, log: [] };
  const out = options.out ?? (existsSync('bench') ? `bench/results-node${onCpu ? '-cpu' : ''}.json` : `node-bench${onCpu ? '-cpu' : ''}-results.json`);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out}`);
  const bad = suite.rows.filter((r) => r.error || (r.check !== 'ok' && r.check !== 'not checked'));
  for (const r of bad) log(`problem: ${r.case} ${r.shape}: ${r.error ?? r.check}`);
  return bad.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
