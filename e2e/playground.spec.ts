// The playground end to end: an LSTM trains on the sine task in the page's GPU (SwiftShader in
// CI: correct, slow), the loss falls, and every view draws something, checked by the pixels of
// its screenshot rather than by the presence of an element.

import { expect, test } from '@playwright/test';
import { expectNoPageErrors, ON_WEBGPU, pixelStats, ready, stepCount } from './helpers';

expectNoPageErrors();

// The kernels in the page: this one trains on WebGPU.
test.describe(() => {
  test.use(ON_WEBGPU);

  test('an LSTM learns the sine task: the validation loss falls tenfold and every view draws', async ({ page }) => {
    test.setTimeout(300_000);
    await page.goto('/');
    await expect(page.getByTestId('dataset-sine-mix')).toBeChecked();
    await expect(page.getByTestId('model-kind-a')).toHaveValue('lstm');
    await ready(page);
    await expect(page.getByTestId('data-chart')).toBeVisible();
    const emptyLoss = await pixelStats(page, page.getByTestId('view-loss'));

    await page.keyboard.press('Space');
    await expect(page.getByTestId('run-state')).toHaveText('training');
    // Train until the validation loss is a tenth of its first value.
    const span = page.getByTestId('loss-span-a');
    const validation = async () => {
      const first = Number(await span.getAttribute('data-val-first'));
      const last = Number(await span.getAttribute('data-val-last'));
      return first > 0 && last > 0 ? first / last : 0;
    };
    await expect.poll(validation, { timeout: 200_000, intervals: [1000] }).toBeGreaterThanOrEqual(10);
    await page.keyboard.press('Space');
    await expect(page.getByTestId('run-state')).toHaveText('paused');

    const first = Number(await span.getAttribute('data-first'));
    const last = Number(await span.getAttribute('data-last'));
    expect(first).toBeGreaterThan(0);
    expect(last).toBeLessThan(first * 0.5);

    // Wait for a probe taken after pausing, then measure each view.
    await expect(page.getByTestId('gradtime-a')).toBeVisible();
    await page.waitForTimeout(1500);
    const loss = await pixelStats(page, page.getByTestId('view-loss'));
    expect(loss.colored).toBeGreaterThan(emptyLoss.colored + 400);
    expect(loss.ink).toBeGreaterThan(emptyLoss.ink);
    for (const id of ['view-predictions', 'gradtime-a']) {
      const stats = await pixelStats(page, page.getByTestId(id));
      expect(stats.colored, `${id}: the LSTM's line`).toBeGreaterThan(300);
    }
    const norms = await pixelStats(page, page.getByTestId('view-norms'));
    expect(norms.distinct).toBeGreaterThan(40);
    expect(norms.ink).toBeGreaterThan(0.05);

    const heatmap = page.getByTestId('heatmap-canvas');
    const hidden = await pixelStats(page, heatmap);
    expect(hidden.distinct, 'hidden-state heatmap colours').toBeGreaterThan(30);
    expect(hidden.ink).toBeGreaterThan(0.3);
    for (const gate of ['input', 'forget', 'output', 'cell']) {
      await page.getByRole('tab', { name: gate, exact: true }).click();
      const stats = await pixelStats(page, heatmap);
      expect(stats.distinct, `${gate} heatmap colours`).toBeGreaterThan(20);
    }
    await page.screenshot({ path: 'test-results/playground-trained.png', fullPage: true });
  });
});

test('hovering a heatmap reads out time, unit and value', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(1);
  const canvas = page.getByTestId('heatmap-canvas');
  await expect(canvas).toBeVisible();
  const readout = page.getByTestId('heatmap-readout');
  const box = (await canvas.boundingBox())!;
  // Time runs left to right: the right edge is the last step of the window (T = 32).
  await canvas.hover({ position: { x: box.width - 2, y: 2 } });
  await expect(readout).toHaveText(/^t = 31 · unit = 0 · hidden = -?\d+\.\d{4}$/);
  await canvas.hover({ position: { x: 2, y: box.height - 2 } });
  await expect(readout).toHaveText(/^t = 0 · unit = 31 · hidden = -?\d+\.\d{4}$/);
  await page.mouse.move(0, 0);
  await expect(readout).toContainText('Hover the map');
});

test('keyboard: space plays and pauses, → takes one step, neither while typing', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  expect(await stepCount(page)).toBe(0);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(1);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(2);

  // Typing in a field: space and → belong to the field.
  const lr = page.getByTestId('lr');
  await lr.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await page.waitForTimeout(500);
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  expect(await stepCount(page)).toBe(2);
  await lr.blur();

  await page.keyboard.press('Space');
  await expect(page.getByTestId('run-state')).toHaveText('training');
  await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBeGreaterThan(2);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  // The counter redraws five times a second: let it show the step the pause came at, then it stays.
  await page.waitForTimeout(400);
  const paused = await stepCount(page);
  await page.waitForTimeout(1000);
  expect(await stepCount(page)).toBe(paused);
});

// The scan's schedule as WebGPU runs it (subgroups).
test.describe(() => {
  test.use(ON_WEBGPU);

  test("Mamba: Δ and |h| maps draw, and the parallel scan's schedule answers hovering", async ({ page }) => {
    // A one-block Mamba (d_model 16, d_state 8) on the sine task, T = 32: 8 threads × 4 steps, 3 levels.
    await page.goto('/#v=1&d=sine-mix&m=mamba.1.16.8.2.0.z&o=adam&lr=0.01&b=8&T=32&tb=0&clip=1&sp=max&ve=20&s=1');
    await ready(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepCount(page)).toBe(1);
    const heatmap = page.getByTestId('view-heatmap');
    for (const map of ['delta', '|h|']) {
      await heatmap.getByRole('tab', { name: map, exact: true }).click();
      await expect(heatmap).toContainText('32 steps × 32 units'); // d_inner = 2 · 16
      await expect.poll(async () => (await pixelStats(page, page.getByTestId('heatmap-canvas'))).distinct).toBeGreaterThan(20);
    }
    const scan = page.getByTestId('view-scan');
    await expect(scan).toContainText('32 steps: 1 chunk of 32 = 8 threads × 4 steps');
    // SwiftShader in Chromium has subgroups, and the kernels use them: the view and the model card say how.
    await expect(scan).toContainText('This GPU has subgroups');
    await expect(page.getByTestId('model-schedule')).toHaveText('GPU: parallel scan: 1 chunk of 8 threads × 4 steps, runs combined by subgroup shuffles');
    await expect(scan.getByTestId('scan-thread')).toHaveCount(8);
    await scan.getByTestId('scan-thread').nth(5).hover();
    await expect(scan.getByTestId('scan-readout')).toHaveText('Thread 5: 3 levels gather the runs of threads 0 … 5 (steps 0 … 23 of the chunk).');
  });
});

test('an encoder-decoder learns to reverse digits with teacher forcing', async ({ page }) => {
  test.setTimeout(240_000);
  // Reverse 4 digits: an LSTM encoder-decoder, hidden 32, batch 32, T = 4 source + 4 target steps.
  await page.goto('/#v=1&d=digits&dp=mode:reverse,length:4,count:2000&m=lstm.1.32.16.2.0.z&o=adam&lr=0.02&b=32&T=8&tb=0&clip=1&sp=max&ve=10&s=1');
  await ready(page);
  await expect(page.getByTestId('seq2seq-note')).toContainText('teacher forcing');
  await page.keyboard.press('Space');
  const span = page.getByTestId('loss-span-a');
  const validation = async () => {
    const first = Number(await span.getAttribute('data-val-first'));
    const last = Number(await span.getAttribute('data-val-last'));
    return first > 0 && last > 0 ? first / last : 0;
  };
  // From chance (ln 10 = 2.30) to a third of it.
  await expect.poll(validation, { timeout: 200_000, intervals: [1000] }).toBeGreaterThanOrEqual(3);
  expect(Number(await span.getAttribute('data-val-first'))).toBeCloseTo(Math.log(10), 0);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  // The predictions: the 4 source steps are ignored (folded into one '⋯4⋯' cell), the 4 target steps scored.
  const predictions = page.getByTestId('token-predictions');
  await expect(predictions.locator('.token-row').first()).toContainText(/^target⋯4⋯\d{4}$/);
  await expect(predictions.locator('.token-row').nth(1).locator('.token.right, .token.wrong')).toHaveCount(4);
  // Decoding on its own outputs: both scores, and per shown sequence the target, the teacher-forced
  // guesses and the free-running ones (4 tokens each, each marked right or wrong).
  const decode = page.getByTestId('view-decode');
  await decode.getByTestId('decode').click();
  await expect(decode.getByTestId('decode-scores')).toHaveText(/^LSTM 32 at step \d+: teacher-forced \d+% of tokens, \d+% of sequences right; on its own \d+% of tokens, \d+% of sequences\.$/);
  const forcedTokens = Number(/teacher-forced (\d+)%/.exec((await decode.getByTestId('decode-scores').textContent()) ?? '')![1]);
  expect(forcedTokens).toBeGreaterThan(50);
  const first = decode.locator('.token-block').first();
  await expect(first.locator('.token-row').nth(0)).toHaveText(/^target\d{4}$/);
  await expect(first.locator('.token-row').nth(2)).toHaveText(/^on its own\d{4}$/);
  await expect(first.locator('.token-row').nth(2).locator('.token.right, .token.wrong')).toHaveCount(4);
  await expect(decode.locator('.token-block')).toHaveCount(6);
});
