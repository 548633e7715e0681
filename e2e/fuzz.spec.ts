// What a person does in the first minutes, in random order and at random speed: upload a CSV or a
// text file, pick built-ins, tick and untick columns, change the models and the training, add and
// remove models, play, pause, step, walk BPTT, forecast, edit the link. Three seeds of 60 actions,
// 0 to 600 ms apart. After each seed: no page error, no GPU alert, and the app ends ready and trains.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ready, stepCount } from './helpers';

/** A small seeded generator (mulberry32), so a failing seed replays the same actions. */
function rng(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: (xs) => xs[int(xs.length)] };
}

// Real data, as people bring it: Seattle's daily weather (dates, a text column, 1,461 rows) cut
// short, and a chapter of Pride and Prejudice (public/data/README.md has their sources).
const weather = readFileSync('public/data/seattle-weather.csv', 'utf8').split('\n');
const austen = readFileSync('public/data/pride-and-prejudice.txt', 'utf8').slice(0, 6000);

type Action = (page: Page) => Promise<unknown>;

const clickIfEnabled = async (page: Page, testId: string) => {
  const el = page.getByTestId(testId).first();
  if ((await el.count()) && (await el.isEnabled())) await el.click({ timeout: 2000 });
};

function actions(r: ReturnType<typeof rng>): Array<[string, Action]> {
  return [
    ['upload a CSV', async (p) => void (await p.getByTestId('file-input').setInputFiles({ name: 'weather.csv', mimeType: 'text/csv', buffer: Buffer.from(weather.slice(0, 80 + r.int(400)).join('\n')) }))],
    ['upload a text file', (p) => p.getByTestId('file-input').setInputFiles({ name: 'austen.txt', mimeType: 'text/plain', buffer: Buffer.from(austen.slice(0, 1500 + r.int(4000))) })],
    ['pick a built-in', (p) => clickIfEnabled(p, `dataset-${r.pick(['sine-mix', 'adding', 'copy', 'digits', 'sine-mix'])}`)],
    [
      'tick or untick a column',
      async (p) => {
        const boxes = p.locator('[data-testid="column-stats"] input[type="checkbox"]:enabled');
        const n = await boxes.count();
        if (n) await boxes.nth(r.int(n)).click({ timeout: 2000 });
      },
    ],
    // Whichever model card is first (model a may have been removed).
    ['change a model kind', (p) => p.locator('[data-testid^="model-kind-"]').first().selectOption(r.pick(['lstm', 'gru', 'rnn_tanh', 'mamba']), { timeout: 2000 })],
    ['change a hidden size', (p) => p.locator('[data-testid^="model-hidden-"]').first().fill(String(4 + r.int(24)), { timeout: 2000 })],
    ['change the layers', (p) => p.locator('[data-testid^="model-layers-"]').first().fill(String(1 + r.int(2)), { timeout: 2000 })],
    ['change the batch', (p) => p.locator('#training-panel').getByLabel('Batch size').fill(String(2 + r.int(16)), { timeout: 2000 })],
    [
      'change the sequence length',
      async (p) => {
        const f = p.getByTestId('seq-len');
        if (await f.isEnabled()) await f.fill(String(8 + r.int(40)), { timeout: 2000 });
      },
    ],
    ['change the learning rate', (p) => p.getByTestId('lr').fill(r.pick(['0.01', '0.005', '0.02', '0.1']), { timeout: 2000 })],
    ['add a model', (p) => clickIfEnabled(p, 'add-model')],
    [
      'remove a model',
      async (p) => {
        const remove = p.getByRole('button', { name: /Remove model/ });
        const n = await remove.count();
        if (n) await remove.nth(r.int(n)).click({ timeout: 2000 });
      },
    ],
    ['play or pause', (p) => clickIfEnabled(p, 'play')],
    ['step', (p) => clickIfEnabled(p, 'step')],
    ['walk BPTT one step', (p) => clickIfEnabled(p, 'bptt-step')],
    ['forecast', (p) => clickIfEnabled(p, 'forecast')],
    [
      'edit the link',
      async (p) => {
        const hash = r.pick([
          '#d=sine-mix&dp=length:600&m=gru.1.12&b=8&T=16&s=3',
          '#d=adding&dp=length:12,count:200&m=lstm.1.8~rnn_tanh.1.8&b=8&s=2',
          '#d=sine-mix&m=mamba.1.8.4.2&T=24&s=5',
        ]);
        await p.evaluate((h) => (location.hash = h), hash);
      },
    ],
  ];
}

for (const seed of [1, 2, 3]) {
  test(`60 random actions a person might take, seed ${seed}`, async ({ page }) => {
    test.setTimeout(300_000);
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    const r = rng(seed);
    const all = actions(r);
    const log: string[] = [];
    await page.goto('/');
    // The first actions come while the app is still starting.
    for (let i = 0; i < 60; i++) {
      const [name, act] = r.pick(all);
      log.push(name);
      await act(page).catch((error: Error) => {
        // A control that is disabled or gone at that moment is what a person meets too; anything else fails.
        if (!/Timeout|not enabled|detached|not visible|outside of the viewport/.test(error.message)) throw new Error(`${name}: ${error.message}`);
      });
      await page.waitForTimeout(r.int(600));
    }
    // Settle: whatever the actions left, the app ends ready and trains.
    const play = page.getByTestId('play');
    if ((await play.getAttribute('aria-label')) === 'Pause') await play.click();
    await expect(page.getByTestId('config-error').or(page.getByTestId('play')).first()).toBeVisible();
    if (await page.getByTestId('config-error').isVisible()) {
      // A refused setting is a message to act on: a fresh link gives a run that builds.
      await page.evaluate(() => (location.hash = '#d=sine-mix&dp=length:600&m=lstm.1.8&b=8&T=16&s=9'));
    }
    await ready(page);
    await expect(page.getByTestId('run-state')).not.toHaveText('building', { timeout: 60_000 });
    const before = await stepCount(page);
    await page.getByTestId('step').click();
    await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThan(before);
    await expect(page.getByTestId('gpu-alert')).toHaveCount(0);
    await expect(page.getByTestId('gpu-error')).toHaveCount(0);
    expect(errors, `seed ${seed}: ${log.join(' → ')}`).toEqual([]);
  });
}
