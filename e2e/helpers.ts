// What several browser tests share: waiting for a built run, reading the step counter, and
// failing a test on any console error or uncaught exception in the page.

import { expect, test, type Page } from '@playwright/test';

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
