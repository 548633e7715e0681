// The bench page: runs the suite on this browser's WebGPU, then TensorFlow.js on the same shapes;
// then the same cases at the same sizes on our CPU backend (rows named cpu:<case>) beside
// TensorFlow.js's CPU backends (cpu and wasm: the faster is the row's peer). Renders the table and leaves everything on window.__benchResults
// (read by scripts/bench.mjs). ?cpu=0 leaves the CPU backend out.

import { acquireGpu } from '../src/gpu/device';
import { acquireCpu } from '../src/kernels/cpu';
import { loadCpuWasm } from '../src/kernels/cpu/simd';
import { BENCH_CASES } from './cases';
import { tfjsPeer } from './peers/tfjs';
import { COLUMNS, NUMERIC_COLUMNS, formatReport, rowCells, type BenchResults, type ReportMeta } from './report';
import { attachPeer, resolveConfig, runSuite, type BenchRow, type ConfigRequest } from './suite';

declare global {
  interface Window {
    __benchResults?: BenchResults;
  }
}

function list(value: string | null): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function readRequest(params: URLSearchParams): ConfigRequest & { peer: boolean; cpu: boolean; cpuPeerOnly: boolean } {
  return {
    cpu: params.get('cpu') !== '0',
    // ?peer=cpu: TensorFlow.js only beside the CPU backend's rows (its WebGPU peer on SwiftShader takes minutes a row).
    cpuPeerOnly: params.get('peer') === 'cpu',
    quick: params.has('quick') && params.get('quick') !== '0',
    full: params.has('full') && params.get('full') !== '0',
    only: list(params.get('only')),
    sizes: list(params.get('sizes')).map(Number).filter((n) => Number.isInteger(n) && n > 0),
    reps: Number(params.get('reps') ?? 0) || undefined,
    peer: params.get('peer') !== 'none' && params.get('peer') !== '0',
  };
}

function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

const NUMERIC = new Set(NUMERIC_COLUMNS);

function renderTable(rows: readonly BenchRow[]): void {
  const table = byId<HTMLTableElement>('results');
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const c of COLUMNS) head.appendChild(document.createElement('th')).textContent = c;
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    if (row.error) tr.className = 'failed';
    rowCells(row).forEach((text, i) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (NUMERIC.has(i)) td.className = 'num';
    });
  }
}

function machine(): Record<string, string | number> {
  const nav = navigator as Navigator & { deviceMemory?: number };
  return {
    userAgent: nav.userAgent,
    cores: nav.hardwareConcurrency ?? 0,
    ...(nav.deviceMemory ? { deviceMemoryGiB: nav.deviceMemory } : {}),
  };
}

async function main(): Promise<void> {
  const request = readRequest(new URLSearchParams(location.search));
  const results: BenchResults = {
    status: 'running',
    meta: { environment: 'browser', adapter: '', profile: '', reason: '', date: new Date().toISOString(), peer: '' },
    machine: machine(),
    info: null,
    config: null,
    rows: [],
    text: '',
    log: [],
  };
  window.__benchResults = results;
  const status = byId('status');
  const logView = byId('log');
  const rows: BenchRow[] = [];
  const progress = (message: string, row?: BenchRow) => {
    results.log.push(message);
    logView.textContent += `${message}\n`;
    status.textContent = message;
    console.log(`[bench] ${message}`);
    if (row) {
      rows.push(row);
      renderTable(rows);
    }
  };

  try {
    let released = false;
    const gpu = await acquireGpu(navigator.gpu, {
      onProblem: (p) => {
        if (!(released && p.kind === 'device-lost')) progress(`GPU problem: ${p.message}`);
      },
    });
    const config = resolveConfig(gpu.info, request);
    results.info = gpu.info;
    results.config = config;
    const ua = navigator.userAgent.match(/(Chrome|Chromium|Firefox|Safari)\/[\d.]+/)?.[0] ?? 'browser';
    const meta: ReportMeta = {
      environment: `browser (${ua}, WebGPU)`,
      adapter: '',
      profile: config.profile,
      reason: config.reason,
      date: results.meta.date,
      peer: request.peer && !request.cpuPeerOnly ? 'tfjs (pending)' : request.cpuPeerOnly ? 'none (?peer=cpu)' : 'none (?peer=none)',
    };
    progress(`profile ${config.profile}: ${config.reason}`);
    const suite = await runSuite(gpu, BENCH_CASES, config, progress);
    meta.adapter = `${suite.adapter}${gpu.info.isFallback ? ' (software fallback: CPU figures)' : ''}`;
    // Give the peer the GPU memory we held.
    released = true;
    gpu.device.destroy();
    results.rows = suite.rows;
    if (request.peer && !request.cpuPeerOnly) {
      const peer = tfjsPeer();
      const skipped = await attachPeer(suite.rows, peer, config, progress);
      meta.peer = skipped ? `tfjs skipped: ${skipped}` : (peer.detail ?? peer.name);
      renderTable(suite.rows);
    }
    if (request.cpu) {
      // The same cases and sizes (the WebGPU adapter's profile) on the CPU backend, in this page.
      progress('CPU backend ...');
      await loadCpuWasm(); // this page's main thread compiles the module only asynchronously
      const cpu = acquireCpu();
      const cpuSuite = await runSuite(cpu, BENCH_CASES, config, progress);
      cpu.device.destroy();
      for (const row of cpuSuite.rows) row.case = `cpu:${row.case}`;
      suite.rows.push(...cpuSuite.rows);
      results.rows = suite.rows;
      if (request.peer) {
        // Both of TensorFlow.js's CPU backends; each row's peer is the faster, the other in its note.
        const named: string[] = [];
        for (const backend of ['cpu', 'wasm'] as const) {
          const peer = tfjsPeer([backend]);
          const skipped = await attachPeer(cpuSuite.rows, peer, config, progress, true);
          named.push(skipped ? `tfjs-${backend} skipped: ${skipped}` : (peer.detail ?? peer.name));
        }
        meta.peer = `${meta.peer}; cpu rows, the faster of: ${named.join(' | ')}`;
      }
      renderTable(suite.rows);
    }
    results.meta = meta;
    results.text = formatReport(meta, suite.rows);
    byId('header').textContent = results.text.split('\n\n')[0];
    results.status = 'done';
    status.textContent = `done: ${suite.rows.length} rows`;
  } catch (error) {
    results.status = 'error';
    results.error = error instanceof Error ? error.message : String(error);
    status.textContent = `failed: ${results.error}`;
    console.error(`[bench] ${results.error}`);
  }
}

void main();
