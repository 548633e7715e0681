// TensorFlow.js's WebAssembly backend for the bench page: its three binaries (plain, SIMD, SIMD
// with threads) are served from the npm package through Vite's ?url, and tfjs picks the best one
// the page allows. Threads need a cross-origin-isolated page (SharedArrayBuffer): the bench's
// server sends COOP/COEP for that, so the peer gets every core it can use (ours runs on one).

import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

let pathsSet = false;

/** Registers the binaries' URLs; call before the first tf.setBackend('wasm'). */
export function prepareWasm(): void {
  if (pathsSet) return;
  setWasmPaths({ 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd });
  pathsSet = true;
}

/** How the started backend runs: SIMD or not, and on how many threads. */
export function wasmFlavour(simdOn: boolean): string {
  const threads = getThreadsCount();
  return `${simdOn ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${globalThis.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}`;
}
