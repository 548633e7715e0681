import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';

const benchPage = resolve(import.meta.dirname, 'bench/index.html');

// One config for the app (vite), the bench page and the unit tests (vitest).
export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        ...(existsSync(benchPage) ? { bench: benchPage } : {}),
      },
    },
  },
  worker: { format: 'es' },
  server: { port: 5173 },
  preview: { port: 4173 },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts'],
    setupFiles: ['scripts/vitest-setup.ts'],
    environment: 'node',
    // Dawn on SwiftShader runs kernels on the CPU: one test file at a time keeps it predictable.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
