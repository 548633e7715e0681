import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/browser.mjs';

import { backendChoice, ORIGIN, PORT } from './e2e/origin';

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Under CI a focused test (`.only`) fails the run instead of silently dropping the others.
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  use: {
    baseURL: ORIGIN,
    // The page as most specs test it: on the CPU backend, the one the app itself picks on this
    // machine's software adapter (SwiftShader), chosen as the GPU panel's switch remembers it. The
    // specs about WebGPU (kernels in the page, a lost device, the GPU panel, each lesson's reduced
    // run) choose WebGPU with e2e/helpers.ts's ON_WEBGPU; cpu.spec.ts and backend-probe.spec.ts
    // start with no choice, to test the probe.
    storageState: backendChoice('cpu'),
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: findChromium() ?? undefined,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    command: `npx vite build && npx vite preview --port ${PORT} --strictPort`,
    url: ORIGIN,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
