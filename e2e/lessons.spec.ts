// The lessons end to end, each loaded by its link (`#lesson=<id>`, made smaller by keys beside it
// so that it runs on SwiftShader in about a minute): the setup arrives whole, the lesson's text
// and views show, and a few steps already tell the lesson's story in the numbers the views show.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoPageErrors, ON_WEBGPU, ready, stepCount, trainToPause, valAt } from './helpers';

expectNoPageErrors();

// Each lesson's reduced run on WebGPU (lessons-full.spec.ts trains the central ones at full size on the CPU backend).
test.use(ON_WEBGPU);

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

test('exploding gradient: W_hh started at 3x sends a gradient far above the clip norm, and clipping scales it down', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/#lesson=exploding&dp=length:30,count:300&b=8');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('exploding');
  await expect(page.getByTestId('model-recurrentScale-b')).toHaveValue('3');
  // Model c: the same start, its own gradient clip off (in the link as *c0).
  await expect(page.getByTestId('model-recurrentScale-c')).toHaveValue('3');
  await expect(page.getByTestId('model-clip-c')).toHaveValue('0');
  await expect(page.getByTestId('model-clip-b')).toHaveValue('run');
  await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toMatch(/m=rnn_tanh\.1\.32\.16\.2\.0\.z~rnn_tanh\.1\.32\.16\.2\.0\.z\.w3~rnn_tanh\.1\.32\.16\.2\.0\.z\.w3\*c0/);
  await steps(page, 3, ['a', 'b', 'c']);
  // The norms view shows model b (the lesson's choice): its last step's norm and clip factor.
  const readout = page.getByTestId('norms-readout');
  await expect(readout).toHaveAttribute('data-model', 'b');
  await expect(readout).toHaveAttribute('data-step', '3');
  const norm = Number(await readout.getAttribute('data-grad-norm'));
  const clip = Number(await readout.getAttribute('data-clip-scale'));
  console.log(`model b at step 3: gradient norm ${norm.toFixed(1)}, clip factor ${clip.toFixed(4)}`);
  expect(norm).toBeGreaterThan(5);
  expect(clip).toBeLessThan(0.2);
  expect(clip).toBeCloseTo(1 / norm, 3);
  // Going back in time the gradient grows for b and vanishes for a.
  const a = await farRatio(page, 'a');
  const b = await farRatio(page, 'b');
  console.log(`far/last ratio: a ${a.toExponential(2)}, b ${b.toExponential(2)}`);
  expect(b).toBeGreaterThan(1);
  expect(a).toBeLessThan(1e-3);
  // Model c is not clipped: its factor is 1 however large its norm.
  await page.getByTestId('norms-model').selectOption('c');
  await expect(readout).toHaveAttribute('data-model', 'c');
  expect(Number(await readout.getAttribute('data-grad-norm'))).toBeGreaterThan(5);
  expect(Number(await readout.getAttribute('data-clip-scale'))).toBe(1);
});

test('copy task: the predictions show the replay steps, and the score counts them only', async ({ page }) => {
  test.setTimeout(120_000);
  // A delay of 100: the window (4 + 100 + 4 = 108 steps) is longer than the view's 96 cells.
  await page.goto('/#lesson=copy&dp=length:4,delay:100,count:200&b=4&m=lstm.1.16.16.2.0.z.f1~rnn_tanh.1.16.16.2.0.z');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('copy task');
  await expect(page.getByTestId('view-predictions')).toHaveClass(/lesson-focus/);
  await steps(page, 1, ['a', 'b']);
  const view = page.getByTestId('token-predictions');
  await expect(view).toContainText('⋯104⋯');
  await expect(page.getByTestId('token-scored')).toHaveText('on the 4 scored steps of 108');
  for (const id of ['a', 'b']) {
    // Every replay step is drawn, right or wrong, and the score is over those four.
    await expect(page.getByTestId(`token-row-${id}`).locator('.token.right, .token.wrong')).toHaveCount(4);
    const score = page.getByTestId(`token-score-${id}`);
    await expect(score).toHaveAttribute('data-scored', '4');
    const right = Number(await score.getAttribute('data-right'));
    await expect(page.getByTestId(`token-row-${id}`).locator('.token.right')).toHaveCount(right);
    await expect(score).toContainText(`${Math.round((100 * right) / 4)}% right`);
  }
});

test('teacher forcing: both encoder-decoders are scored teacher-forced and on their own outputs', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/#lesson=teacher-forcing&dp=length:4,count:200&b=8&m=lstm.1.16.16.2.0.z.f1~rnn_tanh.1.16.16.2.0.z');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('exposure bias');
  await expect(page.getByTestId('dataset-digits')).toBeChecked();
  await steps(page, 2, ['a', 'b']);
  // The source steps are not scored: they fold into one gap before the four target steps.
  await expect(page.getByTestId('token-predictions')).toContainText('⋯4⋯');
  await expect(page.getByTestId('token-score-a')).toHaveAttribute('data-scored', '4');
  const decode = page.getByTestId('view-decode');
  await expect(decode).toHaveClass(/lesson-focus/);
  await decode.getByTestId('decode').click();
  await expect(decode.getByTestId('decode-scores')).toHaveCount(2);
  await expect(decode.getByTestId('decode-scores').first()).toContainText(/teacher-forced \d+% of tokens.*on its own \d+% of tokens/);
});

test('a lesson picked from the list loads its whole setup, as its link does', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toHaveCount(0);
  await page.getByTestId('lesson-vanishing').click();
  await expect(page.getByTestId('lesson-note')).toContainText('The vanishing gradient');
  await expect(page.getByTestId('dataset-adding')).toBeChecked();
  await expect(page.getByTestId('model-kind-c')).toHaveValue('gru');
  await ready(page);
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('lesson=vanishing');
  // Closing the lesson keeps the run and takes the lesson out of the link.
  await page.getByRole('button', { name: 'Close the lesson' }).click();
  await expect(page.getByTestId('lesson-note')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => location.hash)).not.toContain('lesson=');
  await expect(page.getByTestId('model-kind-c')).toHaveValue('gru');
});

test('a loop or a scan: the LSTM runs its steps in turn, minLSTM and Mamba as a scan, each timed per step', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/#lesson=scan&dp=length:24,count:200&b=4');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('A loop or a scan');
  for (const [id, kind] of [['a', 'lstm'], ['b', 'minlstm'], ['c', 'mamba']]) await expect(page.getByTestId(`model-kind-${id}`)).toHaveValue(kind);
  await expect(page.getByTestId('view-comparison')).toHaveClass(/lesson-focus/);
  await steps(page, 2, ['a', 'b', 'c']);
  // Each model card says how the GPU runs it; the LSTM's is not the scans'.
  const schedules = await page.getByTestId('model-schedule').allInnerTexts();
  expect(schedules).toHaveLength(3);
  expect(schedules[0]).not.toEqual(schedules[1]);
  // The comparison table times every model per step.
  for (const id of ['a', 'b', 'c']) await expect(page.getByTestId(`comparison-${id}`).locator('td').nth(1)).toHaveText(/^\d+(\.\d+)?$/);
});

test('bidirectional: reading right to left too, the LSTM learns the symbol two steps ahead; left to right it can only guess', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/#lesson=bidirectional&dp=length:12,count:400&m=lstm.1.16.16.2.0.z.f1~lstm.1.16.16.2.1.z.f1&lr=0.02&b=16&ve=5&pa=30');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('Bidirectional context');
  await expect(page.getByTestId('dataset-lookahead')).toBeChecked();
  await expect(page.getByTestId('model-bidirectional-a')).not.toBeChecked();
  await expect(page.getByTestId('model-bidirectional-b')).toBeChecked();
  await trainToPause(page, 30, ['a', 'b'], 180_000);
  const uni = await valAt(page, 'a', 30);
  const bi = await valAt(page, 'b', 30);
  console.log(`validation loss after ${await stepCount(page)} steps: left to right ${uni.toFixed(3)}, bidirectional ${bi.toFixed(3)} (guessing: ln 4 = ${Math.log(4).toFixed(3)})`);
  // Left to right: guessing, ln 4. Both ways: well under it.
  expect(uni).toBeGreaterThan(Math.log(4) - 0.1);
  expect(bi).toBeLessThan(Math.log(4) - 0.3);
});

test('where the state starts: a learned h0 takes the validation loss down faster than zeros on Settling', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/#lesson=h0&dp=count:400&ve=5');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('Where the state starts');
  await expect(page.getByTestId('dataset-settling')).toBeChecked();
  await expect(page.getByTestId('model-initialState-a')).toHaveValue('zeros');
  await expect(page.getByTestId('model-initialState-b')).toHaveValue('learned');
  // Exactly 25 steps (validated every 5): later on the zero-state model catches up, as the lesson says.
  await steps(page, 25, ['a', 'b']);
  const zeros = await valAt(page, 'a', 25);
  const learned = await valAt(page, 'b', 25);
  console.log(`validation MSE after ${await stepCount(page)} steps: zeros ${zeros.toFixed(4)}, learned h0 ${learned.toFixed(4)}`);
  expect(learned).toBeLessThan(zeros / 1.5);
});

test('forecasting, judged: a backtest scores each model against the truth and beside repeating the last value, which the trained LSTM beats', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/#lesson=forecasting&b=8&pa=40');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('Forecasting, judged');
  await expect(page.getByTestId('view-forecast')).toHaveClass(/lesson-focus/);
  await trainToPause(page, 40, ['a', 'b'], 180_000);
  const view = page.getByTestId('view-forecast');
  await view.scrollIntoViewIfNeeded();
  await view.getByTestId('backtest').click();
  const scores = view.getByTestId('forecast-scores').locator('li');
  await expect(scores).toHaveCount(2, { timeout: 60_000 });
  const lstm = await scores.first().innerText();
  const m = /backtest of the last 32 rows.*MAE ([\d.]+), RMSE [\d.]+ value; repeating the last value: MAE ([\d.]+)/.exec(lstm);
  expect(m, lstm).not.toBeNull();
  console.log(`LSTM backtest MAE ${m![1]} against ${m![2]} for repeating the last value`);
  expect(Number(m![1])).toBeLessThan(Number(m![2]));
  await expect(page.getByTestId('comparison-table').locator('[data-leader]')).toHaveCount(1);
});

test('one answer or one per step: with a target at every step, the gradient reaches far back; answered once at the end, it fades', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/#lesson=answers&dp=length:30,count:300,answer:end&b=8');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('One answer, or one per step');
  await steps(page, 2, ['a', 'b']);
  const once = await farRatio(page, 'a');
  await page.getByLabel('Answer', { exact: true }).selectOption('every');
  await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toContain('answer:every');
  // The data changed: the run starts again from step 0.
  await expect.poll(() => stepCount(page)).toBe(0);
  await ready(page);
  await steps(page, 2, ['a', 'b']);
  const every = await farRatio(page, 'a');
  console.log(`tanh RNN far/last ratio: answered at the end ${once.toExponential(2)}, at every step ${every.toExponential(2)}`);
  expect(once).toBeGreaterThan(0);
  expect(every).toBeGreaterThan(once * 100);
});

test('character by character: the loss starts at ln 72 and falls well below it; Sample writes from the vocabulary', async ({ page }) => {
  test.setTimeout(240_000);
  const text = readFileSync('public/data/pride-and-prejudice.txt', 'utf8');
  const vocab = new Set(text);
  expect(vocab.size).toBe(72);
  await page.goto('/#lesson=text&m=lstm.1.32.16.2.0.z.f1~gru.1.32.16.2.0.z&T=32&b=8&pa=40');
  await ready(page);
  await expect(page.getByTestId('lesson-note')).toContainText('Character by character');
  await expect(page.getByTestId('dataset-austen')).toBeChecked();
  await steps(page, 1, ['a', 'b']);
  // Validation first comes after step 1: near a guess among 72 characters.
  const first = Number(await page.getByTestId('loss-span-a').getAttribute('data-val-first'));
  expect(Math.abs(first - Math.log(72))).toBeLessThan(0.3);
  await trainToPause(page, 40, ['a', 'b'], 180_000);
  const now = await valAt(page, 'a', 40);
  console.log(`LSTM validation cross-entropy: ${first.toFixed(3)} after step 1, ${now.toFixed(3)} after ${await stepCount(page)} (ln 72 = ${Math.log(72).toFixed(3)})`);
  expect(now).toBeLessThan(Math.log(72) - 0.8);
  const view = page.getByTestId('view-text');
  await view.scrollIntoViewIfNeeded();
  await view.locator('input[type=number]').fill('40');
  await page.getByTestId('sample-button').click();
  const sample = page.getByTestId('text-sample-a');
  await expect.poll(async () => (await sample.innerText()).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(40);
  for (const ch of await sample.innerText()) if (ch !== '\n') expect(vocab.has(ch), JSON.stringify(ch)).toBe(true);
});
