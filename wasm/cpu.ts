// The CPU backend's WebAssembly module: one build of everything here (scripts/build-wasm.mjs).
export { gemm } from './gemm';
export { expBlock, scanBackward, scanForward } from './scan';
