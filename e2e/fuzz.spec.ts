// What a person does in the first minutes, in random order and at random speed: upload a CSV or a
// text file, pick built-ins, tick and untick columns, change the models and the training, add and
// remove models, play, pause, step, walk BPTT, forecast, edit the link. Three seeds of 60 actions,
// 0 to 600 ms apart. Each action first checks that its control is there, visible and enabled, as a
// person sees it; if not, the action is skipped (and counted), as a person would skip it. Once
// begun, an action that fails or times out fails the seed. After each seed: no action error, no
// refused configuration (every setting came from a control the page offered, or a valid link),
// no GPU alert and no console error at any moment of it; the app ends ready, and a step trains.

import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
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

/** How long a control that was enabled may take to act on: longer is the page stuck, not a person's bad luck. */
const ACT_MS = 10_000;

interface Action {
  name: string;
  /** The control the action uses; null when there is none to use now (nothing to act on). */
  control(page: Page): Locator | Promise<Locator | null>;
  act(control: Locator, page: Page): Promise<unknown>;
}

const at = (testId: string) => (p: Page) => p.getByTestId(testId).first();
const click: Action['act'] = (c) => c.click({ timeout: ACT_MS });

function actions(r: ReturnType<typeof rng>): Action[] {
  return [
    {
      name: 'upload a CSV',
      control: at('file-input'),
      act: (c) => c.setInputFiles({ name: 'weather.csv', mimeType: 'text/csv', buffer: Buffer.from(weather.slice(0, 80 + r.int(400)).join('\n')) }, { timeout: ACT_MS }),
    },
    {
      name: 'upload a text file',
      control: at('file-input'),
      act: (c) => c.setInputFiles({ name: 'austen.txt', mimeType: 'text/plain', buffer: Buffer.from(austen.slice(0, 1500 + r.int(4000))) }, { timeout: ACT_MS }),
    },
    { name: 'pick a built-in', control: (p) => at(`dataset-${r.pick(['sine-mix', 'adding', 'copy', 'digits', 'sine-mix'])}`)(p), act: click },
    {
      name: 'tick or untick a column',
      control: async (p) => {
        const boxes = p.locator('[data-testid="column-stats"] input[type="checkbox"]:enabled');
        const n = await boxes.count();
        return n ? boxes.nth(r.int(n)) : null;
      },
      act: click,
    },
    // Whichever model card is first (model a may have been removed).
    { name: 'change a model kind', control: (p) => p.locator('[data-testid^="model-kind-"]').first(), act: (c) => c.selectOption(r.pick(['lstm', 'gru', 'rnn_tanh', 'mamba']), { timeout: ACT_MS }) },
    { name: 'change a hidden size', control: (p) => p.locator('[data-testid^="model-hidden-"]').first(), act: (c) => c.fill(String(4 + r.int(24)), { timeout: ACT_MS }) },
    { name: 'change the layers', control: (p) => p.locator('[data-testid^="model-layers-"]').first(), act: (c) => c.fill(String(1 + r.int(2)), { timeout: ACT_MS }) },
    { name: 'change the batch', control: (p) => p.locator('#training-panel').getByLabel('Batch size'), act: (c) => c.fill(String(2 + r.int(16)), { timeout: ACT_MS }) },
    { name: 'change the sequence length', control: at('seq-len'), act: (c) => c.fill(String(8 + r.int(40)), { timeout: ACT_MS }) },
    { name: 'change the learning rate', control: at('lr'), act: (c) => c.fill(r.pick(['0.01', '0.005', '0.02', '0.1']), { timeout: ACT_MS }) },
    { name: 'add a model', control: at('add-model'), act: click },
    {
      name: 'remove a model',
      control: async (p) => {
        const remove = p.getByRole('button', { name: /Remove model/ });
        const n = await remove.count();
        return n ? remove.nth(r.int(n)) : null;
      },
      act: click,
    },
    { name: 'play or pause', control: at('play'), act: click },
    { name: 'step', control: at('step'), act: click },
    { name: 'walk BPTT one step', control: at('bptt-step'), act: click },
    { name: 'forecast', control: at('forecast'), act: click },
    {
      name: 'edit the link',
      control: (p) => p.locator('body'),
      act: (_c, p) => {
        const hash = r.pick([
          '#d=sine-mix&dp=length:600&m=gru.1.12&b=8&T=16&s=3',
          '#d=adding&dp=length:12,count:200&m=lstm.1.8~rnn_tanh.1.8&b=8&s=2',
          '#d=sine-mix&m=mamba.1.8.4.2&T=24&s=5',
        ]);
        return p.evaluate((h) => (location.hash = h), hash);
      },
    },
  ];
}

/** Whether a person could use the control now: there, visible and enabled (a file input is hidden behind its label, so only enabled). */
async function usable(control: Locator | null): Promise<boolean> {
  if (!control || (await control.count()) === 0) return false;
  const fileInput = (await control.getAttribute('type').catch(() => null)) === 'file';
  return (fileInput || (await control.isVisible())) && (await control.isEnabled({ timeout: 0 }).catch(() => false));
}

/** Records, from the first script on, every alert the page ever shows and every console error, so one that comes and goes is seen too. */
async function watchAlerts(page: Page, errors: string[]): Promise<void> {
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __alertsSeen: string[] }).__alertsSeen = seen;
    const ids = ['action-error', 'config-error', 'gpu-alert', 'gpu-error'];
    const look = () => {
      for (const id of ids) {
        for (const el of document.querySelectorAll(`[data-testid="${id}"]`)) {
          const text = `${id}: ${(el.textContent ?? '').trim().slice(0, 300)}`;
          if (!seen.includes(text)) seen.push(text);
        }
      }
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

/** The checks at the end of a seed: no alert ever shown, no console error, the app ready, and a step trains. */
export async function checkSeedEnd(page: Page, errors: string[], context: string): Promise<void> {
  const alerts = await page.evaluate(() => (window as unknown as { __alertsSeen: string[] }).__alertsSeen);
  expect(alerts, `${context}: alerts the page showed`).toEqual([]);
  expect(errors, `${context}: console errors`).toEqual([]);
  const play = page.getByTestId('play');
  if ((await play.getAttribute('aria-label')) === 'Pause') await play.click();
  await ready(page);
  await expect(page.getByTestId('run-state')).not.toHaveText('building', { timeout: 60_000 });
  const before = await stepCount(page);
  await page.getByTestId('step').click();
  await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThan(before);
}

for (const seed of [1, 2, 3]) {
  test(`60 random actions a person might take, seed ${seed}`, async ({ page }) => {
    test.setTimeout(300_000);
    const errors: string[] = [];
    await watchAlerts(page, errors);
    const r = rng(seed);
    const all = actions(r);
    const log: string[] = [];
    let skipped = 0;
    await page.goto('/');
    // The first actions come while the app is still starting.
    for (let i = 0; i < 60; i++) {
      const action = r.pick(all);
      const control = await action.control(page);
      if (!(await usable(control))) {
        skipped++;
        log.push(`(${action.name}: not offered)`);
      } else {
        log.push(action.name);
        try {
          await action.act(control!, page);
        } catch (error) {
          throw new Error(`seed ${seed}, action ${i} (${action.name}) failed: ${(error as Error).message}\nactions: ${log.join(' → ')}`);
        }
      }
      await page.waitForTimeout(r.int(600));
    }
    console.log(`seed ${seed}: ${60 - skipped} actions taken, ${skipped} skipped (their control was not offered at that moment)`);
    expect(60 - skipped, `seed ${seed}: most actions find their control`).toBeGreaterThanOrEqual(30);
    await checkSeedEnd(page, errors, `seed ${seed}: ${log.join(' → ')}`);
  });
}

test('the end-of-seed check fails when the page showed an action error', async ({ page }) => {
  const errors: string[] = [];
  await watchAlerts(page, errors);
  await page.goto('/');
  await ready(page);
  // A weights file that fits no model: the worker refuses it with an action error.
  await page.getByTestId('load-weights-a').setInputFiles({ name: 'wrong.json', mimeType: 'application/json', buffer: Buffer.from('{"params": {}}') });
  await expect(page.getByTestId('action-error')).toBeVisible();
  const failure = await checkSeedEnd(page, errors, 'negative').then(
    () => '',
    (error: Error) => error.message,
  );
  expect(failure).toContain('alerts the page showed');
  expect(failure).toContain('action-error: ');
});
