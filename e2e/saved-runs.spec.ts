// Saved runs in the page: five steps are saved on their own a moment later; a reload opens the run
// as it was (step 5, its loss chart, in the runs list) and the next step is step 6, with the loss
// a run that never reloaded takes at step 6. A reset run reloads as reset.

import { expect, test, type Page } from '@playwright/test';
import { expectNoPageErrors, ready, stepCount } from './helpers';
import { backendChoice } from './origin';

expectNoPageErrors();

async function steps(page: Page, n: number): Promise<void> {
  const start = await stepCount(page);
  for (let k = 0; k < n; k++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(start + n);
}

test('a run saved after 5 steps comes back on reload, and its next step is step 6 as if nothing happened', async ({ page, browser }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  await page.goto('/');
  await ready(page);
  await steps(page, 5);
  const status = page.getByTestId('save-status');
  await expect(status).toHaveAttribute('data-state', 'saved');
  await expect(status).toContainText('Saved at step 5');
  const span = page.getByTestId('loss-span-a');
  const first = await span.getAttribute('data-first');
  const last = await span.getAttribute('data-last');
  await expect(page.getByTestId('saved-run')).toHaveCount(1);

  await page.reload();
  await ready(page);
  await expect.poll(() => stepCount(page)).toBe(5);
  // The loss chart has its points back: the same first and last losses, not "No steps yet".
  await expect(span).toHaveAttribute('data-first', first!);
  await expect(span).toHaveAttribute('data-last', last!);
  await expect(page.getByTestId('view-loss')).not.toContainText('No steps yet');
  await expect(page.getByTestId('saved-run')).toHaveCount(1);
  await expect(page.getByTestId('saved-run')).toContainText('(this run)');
  await expect(page.getByTestId('storage-used')).toContainText('Storage used');
  // Nothing was unsaved when the page reloaded: no question asked.
  expect(dialogs).toEqual([]);

  await steps(page, 1);
  expect(await stepCount(page)).toBe(6);
  await expect(span).toHaveAttribute('data-last-step', '6'); // the loss view redraws at most four times a second
  const resumed = await span.getAttribute('data-last');

  // A page that never reloaded (its own storage) takes the same step 6. On the same backend as the
  // first (the config's remembered choice): WebGPU and the CPU backend agree only to rounding.
  const context = await browser.newContext({ storageState: backendChoice('cpu') });
  const fresh = await context.newPage();
  await fresh.goto('/');
  await ready(fresh);
  await steps(fresh, 6);
  await expect(fresh.getByTestId('loss-span-a')).toHaveAttribute('data-last-step', '6');
  expect(await fresh.getByTestId('loss-span-a').getAttribute('data-last')).toBe(resumed);
  await context.close();

  // Reset, then reload: the tab comes back as it was left (step 0); the trained run stays in the list.
  await expect(status).toContainText('Saved at step 6');
  await page.getByTestId('reset').click();
  await expect(status).toContainText('Nothing to save yet');
  await page.reload();
  await ready(page);
  await expect(page.getByTestId('saved-run')).toHaveCount(1);
  // An opened run's history would follow its configuration within moments: give it the chance.
  await page.waitForTimeout(500);
  expect(await stepCount(page)).toBe(0);
  await expect(status).toContainText('Nothing to save yet');
});
