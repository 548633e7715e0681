import { expect, test } from '@playwright/test';

test('the page opens, the worker gets a GPU and runs a kernel on it', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /Timestep/ })).toBeVisible();
  for (const panel of ['Data', 'Model', 'Training', 'GPU']) {
    await expect(page.getByRole('heading', { name: panel, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId('gpu-ready')).toBeVisible();
  await expect(page.getByTestId('gpu-adapter')).not.toBeEmpty();
  // The self-test ran a WGSL matmul on the page's GPU and compared it with the float64 reference.
  await expect(page.getByTestId('gpu-selftest')).toContainText('✓ matmul');
  await expect(page.getByTestId('gpu-features')).toContainText('timestamp-query');
  await page.screenshot({ path: 'test-results/gpu-panel.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('a browser without WebGPU gets an explanation, not a blank page', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.goto('/');
  await expect(page.getByTestId('no-webgpu')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Timestep needs WebGPU' })).toBeVisible();
  await expect(page.getByText('--enable-unsafe-webgpu').first()).toBeVisible();
});
