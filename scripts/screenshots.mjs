#!/usr/bin/env node
// Screenshots of the playground for the README: serves the built app, trains a few runs in
// headless Chromium (WebGPU; SwiftShader without a GPU) and saves each view to docs/screenshots.
// Usage: npm run build && node scripts/screenshots.mjs [seconds per run] [run name ...]
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './browser.mjs';

const seconds = Number(process.argv[2] ?? 40);
const only = process.argv.slice(3);
const port = 4191;
const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 2500));
const browser = await chromium.launch({ executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS });

const runs = [
  { name: 'sine-lstm', hash: 'v=1&d=sine-mix&m=lstm.1.32.16.2.0.z&o=adam&lr=0.01&b=16&T=32&tb=0&clip=1&sp=max&ve=20&s=1', views: ['view-loss', 'view-predictions', 'view-gradtime', 'view-heatmap', 'view-norms'] },
  { name: 'adding-compare', hash: 'v=1&d=adding&dp=length:40&m=lstm.1.32.16.2.0.z~rnn_tanh.1.32.16.2.0.z&o=adam&lr=0.01&b=32&T=40&tb=0&clip=1&sp=max&ve=20&s=1', views: ['view-gradtime', 'view-loss'] },
  {
    name: 'reverse-digits',
    hash: 'v=1&d=digits&dp=mode:reverse,length:8,count:5000&m=lstm.1.64.16.2.0.z~rnn_tanh.1.64.16.2.0.z&o=adam&lr=0.01&b=32&T=8&tb=0&clip=1&sp=max&ve=20&s=1',
    views: ['view-predictions', 'view-gradtime', 'view-decode'],
    // Before the shots: the validation batch decoded on the models' own outputs.
    async prepare(page) {
      await page.getByTestId('decode').click();
      await page.getByTestId('decode-scores').nth(1).waitFor({ timeout: 60_000 });
      await page.waitForTimeout(500);
    },
  },
  {
    name: 'mamba-copy',
    hash: 'v=1&d=copy&m=mamba.2.32.8.2.0.z~lstm.1.32.16.2.0.z&o=adam&lr=0.005&b=16&T=32&tb=0&clip=1&sp=max&ve=20&s=1',
    views: ['view-heatmap', 'view-loss', 'view-scan'],
    // Before the shots: the state-norm map, and thread 5 of the scan diagram hovered.
    async prepare(page) {
      await page.getByTestId('view-heatmap').getByRole('tab', { name: '|h|', exact: true }).click();
      await page.getByTestId('scan-thread').nth(5).hover();
      await page.waitForTimeout(500);
    },
  },
  // The lessons as they come out (full size; on a machine without a GPU the CPU backend trains them).
  {
    name: 'lesson-vanishing',
    hash: 'lesson=vanishing',
    // Long enough for the LSTM to leave its plateau (about 1,300 steps here).
    seconds: 100,
    views: ['view-gradtime', 'view-loss', 'view-bptt'],
    // Before the shots: 25 steps of the tanh RNN's backward pass walked by hand.
    async prepare(page) {
      const view = page.getByTestId('view-bptt');
      for (let k = 0; k < 25; k++) {
        await view.getByTestId('bptt-step').click();
        await page.waitForTimeout(150);
      }
      await page.waitForTimeout(500);
    },
  },
  // Clipped and unclipped side by side: a few hundred steps show the leaps.
  { name: 'lesson-exploding', hash: 'lesson=exploding', views: ['view-loss', 'view-norms', 'view-gradtime'], seconds: 20 },
  { name: 'lesson-bidirectional', hash: 'lesson=bidirectional', views: ['view-loss', 'view-predictions'] },
  // Its point is the first few hundred steps (the CPU backend takes thousands in 40 s).
  { name: 'lesson-h0', hash: 'lesson=h0', views: ['view-loss'], seconds: 1.5 },
  { name: 'overfitting', hash: 'd=sine-mix&dp=length:200,noise:1&m=lstm.1.64.16.2.0.z&o=adam&lr=0.01&b=8&T=16&ve=1&vf=0.3&s=1', views: ['view-loss'] },
];

for (const run of runs.filter((r) => only.length === 0 || only.includes(r.name))) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`http://localhost:${port}/#${run.hash}`);
  await page.getByTestId('play').waitFor({ state: 'visible', timeout: 90_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid="play"]')?.hasAttribute('disabled'), null, { timeout: 90_000 });
  await page.getByTestId('play').click();
  await page.waitForTimeout((run.seconds ?? seconds) * 1000);
  await page.keyboard.press('Space');
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `docs/screenshots/${run.name}.png`, fullPage: true });
  await run.prepare?.(page);
  for (const id of run.views) {
    const el = page.getByTestId(id).first();
    if (await el.count()) await el.screenshot({ path: `docs/screenshots/${run.name}-${id.replace('view-', '')}.png` });
  }
  await page.close();
}
await browser.close();
server.kill();
