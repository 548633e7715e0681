#!/usr/bin/env node
// npm run bench: builds the bench page, serves it on localhost, opens bench/index.html in headless
// Chromium (WebGPU; SwiftShader when there is no GPU), waits for the suite and the TensorFlow.js
// peer, prints the table and writes bench/results.json.
//
//   node scripts/bench.mjs [--quick] [--full] [--only=matmul,adam] [--sizes=256,512] [--reps=N]
//                          [--no-peer] [--no-cpu] [--no-build | --bench-only] [--dist=DIR] [--out=FILE] [--timeout=SECONDS]
//
// The page is built on its own, unminified, into .build/bench-dist: TensorFlow.js's wasm peer hands
// its threads the source text of a function (Function.toString), which minified names break ("e is
// not defined" in every worker, and the backend never starts). The server sends COOP/COEP so the
// page is cross-origin isolated and that peer may use threads. --bench-only is the same (kept for
// old command lines); --no-build --dist=DIR serves a build made elsewhere.

import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, NO_BROWSER_HELP, findChromium } from './browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Unquantised timestamp queries (Chrome rounds them to 100 us otherwise).
const EXTRA_ARGS = ['--enable-webgpu-developer-features'];

const USAGE = `usage: node scripts/bench.mjs [options]
  --quick           fewer, smaller sizes
  --full            full sizes even on a software adapter (SwiftShader: very slow)
  --only=a,b        only cases whose id or group matches (matmul, matmul-tA, tanh-forward, adam,
                    train, lstm-train, gru-train, scan, scan-parallel-forward, ...); a case named
                    here runs all its sizes (a run of everything on a software adapter runs a subset)
  --sizes=a,b       replace the cases' sizes (train: hidden size naming the configuration; scan: L)
  --reps=N          timed passes per row
  --no-peer         skip TensorFlow.js
  --no-cpu          skip the CPU backend's rows (cpu:<case>, beside TensorFlow.js's cpu and wasm backends)
  --cpu-peer-only   TensorFlow.js only beside the CPU backend's rows (its WebGPU peer is slow on SwiftShader)
  --no-build        serve the existing build (--dist) instead of building the bench page
  --bench-only      the default: build the bench page alone, unminified, into .build/bench-dist
  --dist=DIR        folder to serve or build into (default .build/bench-dist)
  --out=FILE        JSON output (default bench/results.json)
  --timeout=SECONDS give up after this long (default 1800)
  --headed          show the browser window`;

function parseArgs(argv) {
  const o = { query: new URLSearchParams(), build: 'bench', dist: resolve(root, '.build/bench-dist'), out: resolve(root, 'bench/results.json'), timeoutS: 1800, headed: false };
  for (const arg of argv) {
    const [flag, value = ''] = arg.split(/=(.*)/s);
    switch (flag) {
      case '--quick': o.query.set('quick', '1'); break;
      case '--full': o.query.set('full', '1'); break;
      case '--only': o.query.set('only', value); break;
      case '--sizes': o.query.set('sizes', value); break;
      case '--reps': o.query.set('reps', value); break;
      case '--no-peer': o.query.set('peer', 'none'); break;
      case '--no-cpu': o.query.set('cpu', '0'); break;
      case '--cpu-peer-only': o.query.set('peer', 'cpu'); break;
      case '--no-build': o.build = 'none'; break;
      case '--bench-only': o.build = 'bench'; o.dist = resolve(root, '.build/bench-dist'); break;
      case '--dist': o.dist = resolve(value); break;
      case '--out': o.out = resolve(value); break;
      case '--timeout': o.timeoutS = Number(value) || o.timeoutS; break;
      case '--headed': o.headed = true; break;
      case '-h':
      case '--help': console.log(USAGE); process.exit(0); break;
      default: console.error(`unknown option ${arg}\n${USAGE}`); process.exit(2);
    }
  }
  return o;
}

/** Only the bench page, without the project's config (and so without the app's entry). */
async function viteBuildBenchOnly(outDir) {
  console.error(`[bench] vite build of bench/index.html only -> ${outDir}`);
  const { build } = await import('vite');
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    build: {
      target: 'es2022',
      outDir,
      emptyOutDir: true,
      // TensorFlow.js is one large lazily loaded chunk.
      chunkSizeWarningLimit: 4096,
      // Unminified: the wasm peer's threads are given a function's source text (see above).
      minify: false,
      rollupOptions: { input: { bench: resolve(root, 'bench/index.html') } },
    },
  });
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
  '.wgsl': 'text/plain; charset=utf-8',
};

/** A static file server for `dir` on 127.0.0.1 (a secure context, which WebGPU requires). */
function serve(dir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    let file = normalize(join(dir, path));
    if (file !== dir && !file.startsWith(dir + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    // Cross-origin isolated (COOP + COEP), so TensorFlow.js's wasm peer may use threads.
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePort({ server, port: server.address().port }));
  });
}

function machine() {
  const cpu = cpus();
  return {
    platform: `${platform()} ${release()}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const executablePath = findChromium();
  if (!executablePath) {
    console.error(`[bench] ${NO_BROWSER_HELP}`);
    return 1;
  }
  if (options.build === 'bench') await viteBuildBenchOnly(options.dist);
  if (!existsSync(join(options.dist, 'bench', 'index.html'))) {
    console.error(`[bench] ${join(options.dist, 'bench', 'index.html')} is missing: build first (drop --no-build).`);
    return 1;
  }

  const { chromium } = await import('playwright-core');
  const { server, port } = await serve(options.dist);
  const args = [...new Set([...CHROMIUM_ARGS, ...EXTRA_ARGS])];
  const browser = await chromium.launch({ executablePath, args, headless: !options.headed });
  try {
    const page = await browser.newPage();
    page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('[bench]') || message.type() === 'error') console.error(text.startsWith('[bench]') ? text : `[page] ${text}`);
    });
    page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
    const url = `http://127.0.0.1:${port}/bench/index.html${options.query.size > 0 ? `?${options.query}` : ''}`;
    console.error(`[bench] ${executablePath} (${browser.version()}) -> ${url}`);
    await page.goto(url);
    try {
      await page.waitForFunction(() => ['done', 'error'].includes(window.__benchResults?.status ?? ''), null, {
        timeout: options.timeoutS * 1000,
        polling: 1000,
      });
    } catch {
      console.error(`[bench] no result after ${options.timeoutS} s (raise --timeout, or use --quick)`);
      return 1;
    }
    const results = await page.evaluate(() => window.__benchResults);
    if (results.status === 'error') {
      console.error(`[bench] the bench page failed: ${results.error}`);
      return 1;
    }
    console.log(`\n${results.text}`);
    const record = {
      ...results,
      log: undefined,
      machine: { ...machine(), browser: `${executablePath} ${browser.version()}`, browserArgs: args.join(' '), userAgent: results.machine.userAgent },
    };
    writeFileSync(options.out, `${JSON.stringify(record, null, 2)}\n`);
    console.error(`[bench] wrote ${options.out}`);
    const bad = results.rows.filter((r) => r.error || (r.check !== 'ok' && r.check !== 'not checked'));
    for (const r of bad) console.error(`[bench] problem: ${r.case} ${r.shape}: ${r.error ?? r.check}`);
    return bad.length > 0 ? 1 : 0;
  } finally {
    await browser.close();
    server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[bench] ${error?.stack ?? error}`);
    process.exit(1);
  },
);
