// A saved run taken to another browser: Export on the runs list downloads one .timestep-run file;
// "Import run…" in a fresh browser context (its own storage) lists it, and Open brings it back at
// its step with its losses. A file that is not a run is refused, naming it.

import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, ready, stepCount } from './helpers';

expectNoPageErrors();

test('a run exported from one browser opens in another at its step, with its losses', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  await ready(page);
  for (let k = 1; k <= 4; k++) {
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepCount(page)).toBe(k);
  }
  await expect(page.getByTestId('save-status')).toContainText('Saved at step 4');
  const span = page.getByTestId('loss-span-a');
  await expect(span).toHaveAttribute('data-last-step', '4');
  const [first, last] = [await span.getAttribute('data-first'), await span.getAttribute('data-last')];
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
  expect(download.suggestedFilename()).toMatch(/^sine-mix-.*\.timestep-run$/);
  const bytes = readFileSync((await download.path())!);
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('TSRUN');

  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto('/');
  await ready(other);
  await expect(other.getByTestId('saved-run')).toHaveCount(0);
  await other.getByTestId('import-run').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a run') });
  await expect(other.getByRole('alert')).toContainText('notes.txt: not a Timestep run file');
  await other.getByTestId('import-run').setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: bytes });
  const row = other.getByTestId('saved-run');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('step 4');
  await row.getByRole('button', { name: 'Open' }).click();
  await expect.poll(() => stepCount(other)).toBe(4);
  const span2 = other.getByTestId('loss-span-a');
  await expect(span2).toHaveAttribute('data-first', first!);
  await expect(span2).toHaveAttribute('data-last', last!);
  await context.close();
});
