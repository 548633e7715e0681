// The lessons at their full size, on the CPU backend (the fast one on a machine without a GPU; the
// same engine, kernel for kernel, as WebGPU: see npm test's second pass). lessons.spec.ts runs each
// lesson smaller on WebGPU and checks its first steps; here the central ones train as a person
// would run them, and the result the lesson's text promises is asserted in the numbers the page
// shows. The runs are seeded, so each is the same run every time. The copy task runs at its full
// size for Mamba's part of the story (700 steps, about 80 s here) and smaller for the LSTM's
// (thousands of steps at full size). Each run stops where its link's "Pause at step" (`pa`) says,
// exactly, so the numbers read are those of that step on any machine.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoPageErrors, ready, trainToPause, valAt } from './helpers';

expectNoPageErrors();

test.beforeEach(async ({ page }) => {
  // The choice the GPU panel's switch remembers.
  await page.addInitScript(() => localStorage.setItem('timestep.backend', 'cpu'));
});

/** The validation losses of models `ids` at step `step`. */
const valsAt = (page: Page, ids: string[], step: number) => Promise.all(ids.map((id) => valAt(page, id, step)));

test('vanishing gradient, full size: the GRU and the LSTM learn the adding problem (T = 60), the tanh RNN stays at the baseline', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto('/#lesson=vanishing&pa=1300');
  await ready(page);
  await expect(page.getByTestId('cpu-notice')).toHaveText('training on the CPU');
  await expect(page.getByTestId('lesson-note')).toContainText('The vanishing gradient');
  const steps = 1300;
  await trainToPause(page, steps, ['a', 'b', 'c'], 360_000);
  // Always answering 1, the mean of the sum of two uniform values, scores their variance: 1/6.
  const baseline = 1 / 6;
  const [rnn, lstm, gru] = await valsAt(page, ['a', 'b', 'c'], steps);
  console.log(`validation MSE after ${steps} steps: tanh RNN ${rnn.toFixed(4)}, LSTM ${lstm.toFixed(4)}, GRU ${gru.toFixed(4)} (baseline ${baseline.toFixed(3)})`);
  expect(rnn).toBeGreaterThan(0.8 * baseline);
  expect(lstm).toBeLessThan(0.2 * baseline);
  expect(gru).toBeLessThan(0.2 * baseline);
  // Stuck at the baseline is not memorising: no model gets the overfitting notice.
  await expect(page.locator('[data-testid^="overfitting-"]')).toHaveCount(0);
  // The gradient view tells why: the RNN's gradient at the far end is orders of magnitude below the LSTM's.
  const far = async (id: string) => Number(await page.getByTestId(`gradtime-${id}`).getAttribute('data-far-ratio'));
  const [farRnn, farLstm] = [await far('a'), await far('b')];
  console.log(`far/last gradient ratio: tanh RNN ${farRnn.toExponential(2)}, LSTM ${farLstm.toExponential(2)}`);
  expect(farRnn).toBeLessThan(farLstm / 100);
});

test('teacher forcing, full size: after 300 steps both decoders score worse on their own outputs than teacher-forced', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/#lesson=teacher-forcing&pa=300');
  await ready(page);
  await expect(page.getByTestId('cpu-notice')).toHaveText('training on the CPU');
  const steps = 300;
  await trainToPause(page, steps, ['a', 'b'], 180_000);
  const decode = page.getByTestId('view-decode');
  await decode.getByTestId('decode').click();
  const scores = decode.getByTestId('decode-scores');
  await expect(scores).toHaveCount(2);
  for (let i = 0; i < 2; i++) {
    const text = await scores.nth(i).innerText();
    const m = /teacher-forced (\d+)% of tokens, (\d+)% of sequences right; on its own (\d+)% of tokens, (\d+)% of sequences/.exec(text);
    expect(m, text).not.toBeNull();
    const [forcedTokens, forcedSeqs, freeTokens, freeSeqs] = m!.slice(1).map(Number);
    console.log(`after ${steps} steps: ${text}`);
    // Trained well enough that teacher-forced most tokens are right, and on its own fewer are: after
    // its first mistake a model reads its own wrong digit. Whole sequences score the same both ways
    // (greedy decoding: a sequence with no mistake reads the true digits either way).
    expect(forcedTokens).toBeGreaterThan(60);
    expect(freeTokens).toBeLessThan(forcedTokens);
    expect(freeSeqs).toBe(forcedSeqs);
  }
});

test("exploding gradient, full size: with W_hh started at 3x, the unclipped model's loss leaps again and again; the clipped one settles", async ({ page }) => {
  test.setTimeout(240_000);
  // Validated every 5 steps, so each leap and each recovery shows.
  await page.goto('/#lesson=exploding&ve=5&pa=600');
  await ready(page);
  await expect(page.getByTestId('cpu-notice')).toHaveText('training on the CPU');
  await expect(page.getByTestId('model-clip-c')).toHaveValue('0');
  const steps = 600;
  await trainToPause(page, steps, ['a', 'b', 'c'], 180_000);
  // Every validation loss, from the loss chart's CSV.
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv-loss').click()]);
  const [header, ...rows] = readFileSync((await file.path())!, 'utf8').trimEnd().split('\r\n').map((line) => line.split(','));
  const column = (label: RegExp) => header.findIndex((h) => label.test(h));
  const plain = column(/^RNN \(tanh\) 32 validation loss/);
  const clipped = column(/^RNN \(tanh\) 32 W_hh×3 validation loss/);
  const unclipped = column(/^RNN \(tanh\) 32 W_hh×3 no clip validation loss/);
  for (const c of [plain, clipped, unclipped]) expect(c, header.join(' | ')).toBeGreaterThan(0);
  const evaluations = rows.filter((r) => r[plain] !== '' && r[clipped] !== '' && r[unclipped] !== '').map((r) => ({ step: Number(r[0]), a: Number(r[plain]), b: Number(r[clipped]), c: Number(r[unclipped]) }));
  expect(evaluations.at(-1)?.step).toBe(steps);
  // "Again and again": the unclipped model's loss above 5x the PyTorch-started model's, at least
  // three times, each leap a new one (an evaluation below 2x in between).
  const leaps: number[] = [];
  let armed = true;
  for (const e of evaluations) {
    if (armed && e.c > 5 * e.a) {
      leaps.push(e.step);
      armed = false;
    } else if (!armed && e.c < 2 * e.a) armed = true;
  }
  // "Settles": the clipped model's last five validation losses within 1.5x of the PyTorch-started model's.
  const last5 = evaluations.slice(-5).map((e) => e.b / e.a);
  console.log(`${evaluations.length} evaluations to step ${steps}: the unclipped model leapt past 5x at steps ${leaps.join(', ')}; the clipped model's last five at ${last5.map((r) => r.toFixed(2)).join(', ')}x the PyTorch-started one's`);
  expect(leaps.length).toBeGreaterThanOrEqual(3);
  for (const ratio of last5) {
    expect(ratio).toBeLessThan(1.5);
    expect(ratio).toBeGreaterThan(1 / 1.5);
  }
});

test('long memory, full size (8 symbols through a delay of 20): in 700 steps Mamba learns the copy; the LSTM and the tanh RNN are still guessing', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/#lesson=copy&pa=700');
  await ready(page);
  await expect(page.getByTestId('cpu-notice')).toHaveText('training on the CPU');
  const steps = 700;
  await trainToPause(page, steps, ['a', 'b', 'c'], 240_000);
  const guessing = Math.log(8);
  const [lstm, mamba, rnn] = await valsAt(page, ['a', 'b', 'c'], steps);
  console.log(`validation cross-entropy after ${steps} steps: LSTM ${lstm.toFixed(3)}, Mamba ${mamba.toFixed(4)}, tanh RNN ${rnn.toFixed(3)} (guessing: ln 8 = ${guessing.toFixed(3)})`);
  expect(mamba).toBeLessThan(0.1 * guessing);
  expect(lstm).toBeGreaterThan(0.8 * guessing);
  expect(rnn).toBeGreaterThan(guessing - 0.1);
});

test('long memory, smaller (4 symbols through a delay of 10): Mamba learns the copy first, the LSTM follows, the tanh RNN stays at guessing', async ({ page }) => {
  test.setTimeout(300_000);
  // At full size the LSTM needs more than a thousand steps; the same story at a size that runs in a minute.
  await page.goto('/#lesson=copy&dp=length:4,delay:10,symbols:4&T=18&m=lstm.1.32.16.2.0.z.f1~mamba.1.32.16.2.0.z~rnn_tanh.1.32.16.2.0.z&pa=620');
  await ready(page);
  await expect(page.getByTestId('cpu-notice')).toHaveText('training on the CPU');
  await expect(page.getByTestId('lesson-note')).toContainText('copy task');
  const steps = 620;
  await trainToPause(page, steps, ['a', 'b', 'c'], 240_000);
  const guessing = Math.log(4);
  const [lstm, mamba, rnn] = await valsAt(page, ['a', 'b', 'c'], steps);
  console.log(`validation cross-entropy after ${steps} steps: LSTM ${lstm.toFixed(3)}, Mamba ${mamba.toFixed(4)}, tanh RNN ${rnn.toFixed(3)} (guessing: ln 4 = ${guessing.toFixed(3)})`);
  expect(mamba).toBeLessThan(0.1);
  expect(lstm).toBeLessThan(0.75 * guessing);
  expect(lstm).toBeGreaterThan(mamba);
  expect(rnn).toBeGreaterThan(guessing - 0.1);
});
