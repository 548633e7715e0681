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
  await view.getByTestId('bptt-step').click();
  await expect(walk).toContainText(/t = 29 of 32/);
  await expect(walk.locator('rect')).toHaveCount(3);
  await expect(walk.locator('.unit-row span')).toHaveCount(32);
  await page.screenshot({ path: 'test-results/bptt.png', fullPage: true });
  expect(errors).toEqual([]);
});
