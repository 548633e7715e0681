// minGRU and minLSTM (gates from x_t alone, the recurrence as a parallel scan) train beside an
// LSTM on the same batches, and every view draws for each of them.

import { expect, test } from '@playwright/test';
import { expectNoPageErrors, pixelStats, ready, stepCount } from './helpers';

expectNoPageErrors();

const SKY: [number, number, number] = [0x5a, 0xc8, 0xfa];
const VIOLET: [number, number, number] = [0xc0, 0x84, 0xfc];

test('minGRU and minLSTM train beside an LSTM, and every view draws for them', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/#v=1&d=sine-mix&m=lstm.1.16~mingru.1.16~minlstm.1.16&o=adam&lr=0.01&b=8&T=24&tb=0&clip=1&sp=max&ve=5&s=1');
  await ready(page);
  await expect(page.getByTestId('model-kind-b')).toHaveValue('mingru');
  await expect(page.getByTestId('model-kind-c')).toHaveValue('minlstm');
  // How the GPU runs them: the linear recurrence by the parallel scan.
  await expect(page.getByTestId('model-b').getByTestId('model-schedule')).toContainText('scan');
  await page.getByTestId('play').click();
  await expect.poll(() => stepCount(page), { timeout: 150_000 }).toBeGreaterThanOrEqual(60);
  await page.getByTestId('play').click();
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  await page.waitForTimeout(1500);

  for (const [id, label] of [['b', 'minGRU'], ['c', 'minLSTM']] as const) await expect(page.getByTestId(`ms-per-step-${id}`)).toContainText(new RegExp(`${label} 16: [0-9.]+ ms/step`));
  // Each model's loss and gradient-through-time curves, in its own colour.
  for (const [id, color] of [['b', SKY], ['c', VIOLET]] as const) {
    expect((await pixelStats(page, page.getByTestId('view-loss'), color)).colored, `loss curve of ${id}`).toBeGreaterThan(150);
    expect((await pixelStats(page, page.getByTestId(`gradtime-${id}`), color)).colored, `gradient through time of ${id}`).toBeGreaterThan(150);
  }
  // Inside the model: hidden states and each gate, per step and unit.
  const heatmap = page.getByTestId('view-heatmap');
  for (const [id, gates] of [['b', ['update']], ['c', ['forget', 'input']]] as const) {
    await heatmap.getByLabel('Model').selectOption(id);
    for (const map of ['hidden', ...gates]) {
      await heatmap.getByRole('tab', { name: map, exact: true }).click();
      await expect(heatmap).toContainText('24 steps × 16 units');
      await expect.poll(async () => (await pixelStats(page, page.getByTestId('heatmap-canvas'))).distinct, { message: `${id} ${map}` }).toBeGreaterThan(20);
    }
  }
  await expect(page.getByTestId('view-scan')).toContainText('24 steps');
  await page.screenshot({ path: 'test-results/minrnn.png', fullPage: true });
});
