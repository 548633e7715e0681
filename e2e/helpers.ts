// What several browser tests share: waiting for a built run, reading the step counter, failing a
// test on any console error or uncaught exception in the page, and measuring a view's pixels.

import { expect, test, type Locator, type Page } from '@playwright/test';
import { backendChoice } from './origin';

/** The run is built and waiting: data loaded, models configured on the GPU. */
export async function ready(page: Page): Promise<void> {
  await expect(page.getByTestId('play')).toBeEnabled({ timeout: 90_000 });
}

export async function stepCount(page: Page): Promise<number> {
  return Number((await page.getByTestId('step-count').innerText()).replace(/[^0-9]/g, ''));
}

/** Every test of the calling file ends with no console error and no uncaught exception in the page. */
export function expectNoPageErrors(): void {
  let errors: string[] = [];
  test.beforeEach(({ page }) => {
    errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
  });
  test.afterEach(() => {
    expect(errors).toEqual([]);
  });
}

export const LSTM_ORANGE: [number, number, number] = [0xf5, 0xa5, 0x24];

export interface PixelStats {
  /** Distinct colours in the screenshot. */
  distinct: number;
  /** Share of pixels that differ from the most common colour (the background). */
  ink: number;
  /** Pixels close to the given colour (the LSTM's line colour). */
  colored: number;
}

/** Screenshots an element and measures its pixels in the page (which decodes PNG for us). */
export async function pixelStats(page: Page, target: Locator, color = LSTM_ORANGE): Promise<PixelStats> {
  const png = await target.screenshot();
  return page.evaluate(
    async ({ b64, color }) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const px = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const counts = new Map<number, number>();
      let colored = 0;
      for (let i = 0; i < px.length; i += 4) {
        const key = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
        counts.set(key, (counts.get(key) ?? 0) + 1);
        const d = Math.abs(px[i] - color[0]) + Math.abs(px[i + 1] - color[1]) + Math.abs(px[i + 2] - color[2]);
        if (d < 60) colored++;
      }
      const background = Math.max(...counts.values());
      return { distinct: counts.size, ink: 1 - background / (px.length / 4), colored };
    },
    { b64: png.toString('base64'), color },
  );
}

/**
 * Plays a run whose link set "Pause at step" (`pa=<n>`) until the worker pauses it there, as a
 * person who set the field would; checks it stopped at exactly `n`, and waits until every model's
 * latest validation loss in the legend is the one of step `n` (the worker validates at the stop).
 */
export async function trainToPause(page: Page, n: number, models: string[], timeout: number): Promise<void> {
  await expect(page.getByTestId('pause-at')).toHaveValue(String(n));
  await page.getByTestId('play').click();
  await expect(page.getByTestId('pause-reason')).toContainText(`paused at step ${n.toLocaleString('en-US')}`, { timeout });
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  // The counter redraws a few times a second: it comes to n, and stays there.
  await expect.poll(() => stepCount(page)).toBe(n);
  for (const id of models) await expect(page.getByTestId(`loss-span-${id}`)).toHaveAttribute('data-val-last-step', String(n));
}

/** A model's validation loss in the loss legend, read only once it is the one of step `step`. */
export async function valAt(page: Page, id: string, step: number): Promise<number> {
  const span = page.getByTestId(`loss-span-${id}`);
  await expect(span).toHaveAttribute('data-val-last-step', String(step));
  return Number(await span.getAttribute('data-val-last'));
}

/** `test.use(ON_WEBGPU)`: the spec is about WebGPU itself, so its page trains there (SwiftShader without a GPU). */
export const ON_WEBGPU = { storageState: backendChoice('webgpu') };
