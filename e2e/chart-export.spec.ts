// Chart export in the page: after a few steps the loss chart downloads as CSV (every step's
// training loss and the validation losses, by step, matching what the legend reads) and as PNG
// (a real image of the view); the comparison table and the predictions download as CSV.

import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoPageErrors, ready, stepCount } from './helpers';

expectNoPageErrors();

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

/** A CSV with no quoted cells (these have none) as rows of cells. */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  return text.trimEnd().split('\r\n').map((line) => line.split(','));
}

test('the loss chart downloads as CSV and PNG; the comparison and predictions as CSV', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/#v=1&d=sine-mix&m=lstm.1.16.16.2.0.z&o=adam&lr=0.01&b=8&T=16&tb=0&clip=1&sp=max&ve=2&s=1');
  await ready(page);
  for (let k = 1; k <= 4; k++) {
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepCount(page)).toBe(k);
  }
  // The loss view redraws at most four times a second: the legend may show step 3 for up to 250 ms
  // after the counter says 4 (a race CI found), so the test goes on once the legend's training and
  // validation losses are step 4's.
  const legend = page.getByTestId('loss-span-a');
  await expect(legend).toHaveAttribute('data-last-step', '4');
  await expect(legend).toHaveAttribute('data-val-last-step', '4');

  const csv = await download(page, 'export-csv-loss');
  expect(csv.name).toBe('timestep-loss.csv');
  const [header, ...rows] = parseCsv(csv.bytes.toString('utf8'));
  expect(header[0]).toBe('step');
  expect(header.slice(1)).toEqual([expect.stringMatching(/^LSTM.* training loss \(mse\)$/), expect.stringMatching(/^LSTM.* validation loss \(mse\)$/)]);
  // Validation before training (step 0) and after each step taken by hand; training loss from step 1.
  expect(rows.map((r) => Number(r[0]))).toEqual([0, 1, 2, 3, 4]);
  expect(rows.map((r) => r[1] !== '')).toEqual([false, true, true, true, true]);
  expect(rows.every((r) => r[2] !== '')).toBe(true);
  // The same numbers the legend reads (first and latest training loss; first and latest validation).
  expect(Number(rows[1][1])).toBeCloseTo(Number(await legend.getAttribute('data-first')), 6);
  expect(Number(rows[4][1])).toBeCloseTo(Number(await legend.getAttribute('data-last')), 6);
  expect(Number(rows[0][2])).toBeCloseTo(Number(await legend.getAttribute('data-val-first')), 6);
  expect(Number(rows[4][2])).toBeCloseTo(Number(await legend.getAttribute('data-val-last')), 6);

  const png = await download(page, 'export-png-loss');
  expect(png.name).toBe('timestep-loss.png');
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: the image is the view's size on screen (device pixel ratio 1 here).
  const box = (await page.getByTestId('view-loss').boundingBox())!;
  expect(png.bytes.readUInt32BE(16)).toBe(Math.round(box.width));
  expect(png.bytes.readUInt32BE(20)).toBe(Math.round(box.height));
  expect(png.bytes.length).toBeGreaterThan(2000);
  // Kept beside the test's results, for a person to look at.
  writeFileSync(test.info().outputPath('loss.png'), png.bytes);

  const comparison = parseCsv((await download(page, 'export-csv-comparison')).bytes.toString('utf8'));
  expect(comparison[0].slice(0, 4)).toEqual(['model', 'parameters', 'ms per step', 'training loss (mean of last 20 steps)']);
  expect(comparison).toHaveLength(2);
  await expect(page.getByTestId('export-png-comparison')).toHaveCount(0);

  const predictions = parseCsv((await download(page, 'export-csv-predictions')).bytes.toString('utf8'));
  expect(predictions[0]).toEqual(['row', 'target', expect.stringMatching(/^LSTM/)]);
  // One row per timestep of the probed window (T = 16), at consecutive table rows.
  expect(predictions).toHaveLength(17);
  const xs = predictions.slice(1).map((r) => Number(r[0]));
  expect(xs.every((x, i) => i === 0 || x === xs[i - 1] + 1)).toBe(true);
  expect(predictions.slice(1).every((r) => Number.isFinite(Number(r[1])) && Number.isFinite(Number(r[2])))).toBe(true);
});

test("Mamba's scan diagram (SVG) downloads as a PNG with its labels; the heatmap as CSV, a row per step", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/#v=1&d=sine-mix&m=mamba.1.16.8.2.0.z&o=adam&lr=0.01&b=8&T=32&tb=0&clip=1&sp=max&ve=20&s=1');
  await ready(page);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(1);
  await expect(page.getByTestId('export-csv-scan')).toHaveCount(0);
  const png = await download(page, 'export-png-scan');
  expect(png.name).toBe('timestep-scan.png');
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  writeFileSync(test.info().outputPath('scan.png'), png.bytes);
  // The SVG was drawn in: many colours, not the background alone.
  const distinct = await page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const px = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return seen.size;
  }, png.bytes.toString('base64'));
  expect(distinct).toBeGreaterThan(20);

  const heat = parseCsv((await download(page, 'export-csv-heatmap-hidden')).bytes.toString('utf8'));
  expect(heat[0][0]).toBe('t');
  expect(heat[0]).toHaveLength(1 + 16);
  expect(heat.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: 32 }, (_, t) => t));
});
