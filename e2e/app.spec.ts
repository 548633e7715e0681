import { expect, test } from '@playwright/test';
import { ON_WEBGPU } from './helpers';

// The GPU panel and the self-test are WebGPU's; the browser without it had chosen WebGPU too.
test.use(ON_WEBGPU);

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

test('a browser without WebGPU trains on the CPU backend and says how to get WebGPU', async ({ page }) => {
  // Neither the page nor the training worker sees navigator.gpu (an init script reaches only the
  // page, so the worker's script is served with the same line in front).
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.route(/training\.worker[^/]*\.js$/, async (route) => {
    const response = await route.fetch();
    const body = `Object.defineProperty(WorkerNavigator.prototype, 'gpu', { get: () => undefined, configurable: true });\n${await response.text()}`;
    await route.fulfill({ response, body });
  });
  await page.goto('/');
  const notice = page.getByTestId('cpu-backend-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Training on the CPU');
  await expect(notice).toContainText('This browser has no WebGPU');
  await expect(page.getByTestId('gpu-selftest')).toContainText('✓ matmul');
  // No WebGPU to switch to, and the way to get it is one click away.
  await expect(page.getByTestId('switch-backend')).toHaveCount(0);
  await notice.getByText('Training on a GPU instead').click();
  await expect(notice.getByText('--enable-unsafe-webgpu').first()).toBeVisible();
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 60_000 });
});
