// The lessons end to end, each loaded by its link (`#lesson=<id>`, made smaller by keys beside it
// so that it runs on SwiftShader in about a minute): the setup arrives whole, the lesson's text
// and views show, and a few steps already tell the lesson's story in the numbers the views show.

import { expect, test, type Page } from '@playwright/test';
import { expectNoPageErrors, ready, stepCount } from './helpers';

expectNoPageErrors();

/** Takes `n` steps one at a time (→) and waits until every model's probe is of the last one. */
async function steps(page: Page, n: number, models: string[]): Promise<void> {
  const from = await stepCount(page);
  for (let i = 1; i <= n; i++) {
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBe(from + i);
  }
  for (const id of models) await expect(page.getByTestId(`gradtime-${id}`)).toHaveAttribute('data-step', String(from + n));
}

async function farRatio(page: Page, id: string): Promise<number> {
  return Number(await page.getByTestId(`gradtime-${id}`).getAttribute('data-far-ratio'));
}

test('vanishing gradient: the tanh RNN keeps at least 100x less of its gradient 30 steps back than the LSTM (forget bias 1)', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/#lesson=vanishing&dp=length:30,count:300&b=8');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('The vanishing gradient');
  await expect(page.getByTestId('view-gradtime')).toHaveClass(/lesson-focus/);
  await expect(page.getByTestId('model-kind-a')).toHaveValue('rnn_tanh');
  await expect(page.getByTestId('model-kind-b')).toHaveValue('lstm');
  await expect(page.getByTestId('model-kind-c')).toHaveValue('gru');
  await expect(page.getByTestId('model-forgetBias-b')).toHaveValue('1');
  // The link the page writes carries the lesson and the setup, the forget bias included.
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/lesson=vanishing.*m=rnn_tanh\.1\.32\.16\.2\.0\.z~lstm\.1\.32\.16\.2\.0\.z\.f1~gru/);
  await steps(page, 3, ['a', 'b', 'c']);
  const rnn = await farRatio(page, 'a');
  const lstm = await farRatio(page, 'b');
  const gru = await farRatio(page, 'c');
  console.log(`far/last ratio at step 3: rnn ${rnn.toExponential(2)}, lstm ${lstm.toExponential(2)}, gru ${gru.toExponential(2)}`);
  expect(lstm).toBeGreaterThan(0);
  expect(rnn).toBeLessThan(lstm / 100);
});
