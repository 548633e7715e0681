#!/usr/bin/env node
// Bundles TypeScript entry points for Node into .build/<name>.mjs (ESM, one file each), so they
// run with nothing but Node and the `webgpu` package beside them: on this machine through
// scripts/with-gpu-env.mjs, on a GPU machine once Node and `webgpu` are carried there (the bench notes in docs/ say how).
//
//   node scripts/bundle-node.mjs ENTRY.ts [ENTRY.ts ...] [--outdir DIR] [--minify] [--sourcemap]
//
// Everything is inlined except `webgpu` (Dawn is a native addon, so it stays a runtime import).
// `import code from './x.wgsl?raw'` becomes the file's text, as Vite does it in the browser build.

import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Vite's `?raw` suffix: the imported file's text as the default export. */
export const rawTextPlugin = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.slice(0, -'?raw'.length)),
      namespace: 'raw-text',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw-text' }, async (args) => {
      try {
        return { contents: await readFile(args.path, 'utf8'), loader: 'text', watchFiles: [args.path] };
      } catch (error) {
        return { errors: [{ text: `cannot read ${args.path} (imported with ?raw): ${error.code ?? error.message}` }] };
      }
    });
  },
};

function parseArgs(argv) {
  const entries = [];
  const options = { outdir: resolve(root, '.build'), minify: false, sourcemap: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--outdir') options.outdir = resolve(argv[++i] ?? '.build');
    else if (arg.startsWith('--outdir=')) options.outdir = resolve(arg.slice('--outdir='.length));
    else if (arg === '--minify') options.minify = true;
    else if (arg === '--sourcemap') options.sourcemap = true;
    else if (arg === '-h' || arg === '--help') options.help = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else entries.push(arg);
  }
  return { entries, options };
}

export async function bundleForNode(entries, { outdir = resolve(root, '.build'), minify = false, sourcemap = false } = {}) {
  const entryPoints = {};
  for (const entry of entries) {
    const name = basename(entry, extname(entry));
    if (entryPoints[name]) throw new Error(`two entries would both be written to ${name}.mjs: ${entryPoints[name]} and ${entry}`);
    entryPoints[name] = resolve(entry);
  }
  const result = await build({
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['webgpu'],
    plugins: [rawTextPlugin],
    minify,
    sourcemap: sourcemap ? 'linked' : false,
    // Vite's compile-time constants, for source shared with the browser build.
    define: {
      'import.meta.env.DEV': 'false',
      'import.meta.env.PROD': 'true',
      'import.meta.env.MODE': '"production"',
    },
    // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
    banner: { js: "import { createRequire as __timestepCreateRequire } from 'node:module';\nconst require = __timestepCreateRequire(import.meta.url);" },
    logLevel: 'warning',
    metafile: true,
  });
  return Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.mjs'));
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`bundle-node: ${error.message}`);
    process.exit(2);
  }
  if (parsed.options.help || parsed.entries.length === 0) {
    console.error('usage: node scripts/bundle-node.mjs ENTRY.ts [ENTRY.ts ...] [--outdir DIR] [--minify] [--sourcemap]');
    process.exit(parsed.options.help ? 0 : 2);
  }
  try {
    const outputs = await bundleForNode(parsed.entries, parsed.options);
    for (const out of outputs) console.error(`bundle-node: wrote ${out}`);
  } catch (error) {
    // esbuild has already printed the located errors.
    console.error(`bundle-node: ${error.message.split('\n')[0]}`);
    process.exit(1);
  }
}
