// When the browser's storage is full. The worker's script is served with a few lines in front
// that make IndexedDB's put into the run-state store throw the browser's QuotaExceededError once
// the test says "full" (over a BroadcastChannel): the save's first put (the runs list entry) has
// gone through by then, so the run stays whole only if the transaction takes it back.
// (Chromium's own quota override over CDP, Storage.overrideQuotaForOrigin, was tried first: even
// at one byte it let some rewrites of a run through, so it cannot show that *every* save fails.)
// The page says so, training goes on in memory, and the run saved before stays whole: after a
// reload it opens at its step with its losses.

import { expect, test, type Page } from '@playwright/test';
import { expectNoPageErrors, ready, stepCount } from './helpers';

expectNoPageErrors();

const FULL_QUOTA = `
const __quota = { full: false };
new BroadcastChannel('timestep-test-quota').onmessage = (e) => { __quota.full = e.data === 'full'; };
const __put = IDBObjectStore.prototype.put;
IDBObjectStore.prototype.put = function (...args) {
  if (__quota.full && this.name === 'states') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  return __put.apply(this, args);
};
`;

async function steps(page: Page, n: number): Promise<void> {
  const start = await stepCount(page);
  for (let k = 0; k < n; k++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(start + n);
}

test('a full quota: the page says so, training goes on, the earlier save stays whole', async ({ page }) => {
  test.setTimeout(180_000);
  let patched = 0;
  await page.route(/training\.worker[^/]*\.js/, async (route) => {
    const response = await route.fetch();
    patched++;
    await route.fulfill({ response, body: FULL_QUOTA + (await response.text()) });
  });
  page.on('dialog', (d) => void d.accept());
  await page.goto('/');
  await ready(page);
  expect(patched).toBe(1);
  await steps(page, 5);
  const status = page.getByTestId('save-status');
  await expect(status).toContainText('Saved at step 5');
  const span = page.getByTestId('loss-span-a');
  await expect(span).toHaveAttribute('data-last-step', '5');
  const savedLoss = await span.getAttribute('data-last');

  await page.evaluate(() => {
    const channel = new BroadcastChannel('timestep-test-quota');
    channel.postMessage('full');
    setTimeout(() => channel.close(), 1000);
  });
  await page.keyboard.press('Space');
  const alert = page.getByTestId('save-error');
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(alert).toContainText('The run could not be saved');
  await expect(alert).toContainText('no room left');
  await expect(status).toHaveAttribute('data-state', 'failed');
  // Training goes on in memory.
  const at = await stepCount(page);
  await expect.poll(() => stepCount(page), { timeout: 30_000 }).toBeGreaterThan(at + 5);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play')).toBeEnabled();
  expect(await stepCount(page)).toBeGreaterThan(5);
  // Pausing tried once more, and failed too: the list still holds the save of step 5, and only it.
  await expect(status).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('saved-run')).toHaveCount(1);
  await expect(page.getByTestId('saved-run')).toContainText('step 5');

  // Whole: a reload (the old worker's last save on the way out fails too) opens it at step 5, its losses as they were.
  await page.reload();
  await ready(page);
  await expect.poll(() => stepCount(page)).toBe(5);
  await expect(span).toHaveAttribute('data-last', savedLoss!);
  await expect(page.getByTestId('saved-run')).toHaveCount(1);
  await expect(page.getByTestId('saved-run')).toContainText('step 5');
});
