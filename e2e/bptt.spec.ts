// Step-through BPTT in the page: each click walks the LSTM's backward pass one timestep further
// back, and the walk's bars and unit row are drawn.

import { expect, test } from '@playwright/test';

test('stepping through BPTT fills in ‖∂L/∂h_t‖ from the last step backwards', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
  const view = page.getByTestId('view-bptt');
  await view.scrollIntoViewIfNeeded();
  await view.getByTestId('bptt-step').click();
  const walk = view.getByTestId('bptt-walk');
  await expect(walk).toContainText(/t = 31 of 32/);
  await view.getByTestId('bptt-step').click();
  await expect(walk).toContainText(/t = 30 of 32: ‖∂L\/∂ht‖ = \d\.\d\de[-+]\d+ \(×\d+\.\d\d from t\+1\)/);
  // The log axis is labelled in decades and holds still from click to click (it only ever widens).
  const chart = walk.locator('.bptt-chart');
  const decades = await chart.getAttribute('data-decades');
  expect(decades).toMatch(/^-?\d+ -?\d+$/);
  const [lo, hi] = decades!.split(' ').map(Number);
  expect(hi - lo).toBeGreaterThanOrEqual(6);
  await expect(walk.getByTestId('bptt-tick').first()).toHaveText(hi === 0 ? '1' : hi === 1 ? '10' : `1e${hi}`);
  await expect(walk).toContainText('‖∂L/∂ht‖, log scale');
  await view.getByTestId('bptt-step').click();
  await expect(walk).toContainText(/t = 29 of 32: .*; ×\d\.\d\d per step on average since t = 31/);
  await expect(walk.locator('rect')).toHaveCount(3);
  expect(await chart.getAttribute('data-decades')).toBe(decades);
  // Each bar says its value and its factor from the step after it.
  await expect(walk.locator('rect').nth(1).locator('title')).toHaveText(/^t = 30: \d\.\d\de[-+]\d+, ×[\d.e+-]+ from t = 31$/);
  await expect(walk.locator('.unit-row span')).toHaveCount(32);
  await expect(walk.getByTestId('bptt-units-label')).toContainText('by hidden unit');
  await page.screenshot({ path: 'test-results/bptt.png', fullPage: true });
  expect(errors).toEqual([]);
});
