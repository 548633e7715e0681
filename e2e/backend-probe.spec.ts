// With WebGPU on a software adapter (SwiftShader here), the start-up probe times a few training
// steps on WebGPU and on the CPU backend and keeps the faster; the GPU panel shows both timings.
// The run as configured is then timed on both too (the worker's run probe), shown with what was
// timed; its switch moves the run to the other backend where it left off, and the CPU notice's
// comfortable sizes come from the run's measured step.

import { expect, test } from '@playwright/test';
import { expectNoPageErrors, ready, stepCount } from './helpers';

expectNoPageErrors();

// No remembered backend choice (the config presets WebGPU for the other specs).
const NO_CHOICE = { cookies: [], origins: [] };

test.describe('on a software WebGPU adapter', () => {
  test.use({ storageState: NO_CHOICE });

  test('the probe times both backends, keeps the faster, and the run moves between them with its steps', async ({ page }) => {
    test.setTimeout(240_000);
    await page.goto('/');
    const probe = page.getByTestId('backend-probe');
    await expect(probe).toContainText(/WebGPU \d+ ms, CPU \d+ ms per step/, { timeout: 90_000 });
    const [webgpuMs, cpuMs] = (await probe.innerText()).match(/WebGPU (\d+) ms, CPU (\d+) ms/)!.slice(1).map(Number);
    const onCpu = cpuMs < webgpuMs;
    console.log(`probe: WebGPU ${webgpuMs} ms, CPU ${cpuMs} ms per step`);
    await expect(page.getByTestId(onCpu ? 'cpu-backend-notice' : 'software-adapter-notice')).toBeVisible();
    await ready(page);
    // The run as configured, timed on both backends, with what was timed.
    const runProbe = page.getByTestId('run-probe');
    await expect(runProbe).toContainText(/^Your run \(.+, batch \d+ × \d+ steps\): WebGPU .*ms.*, CPU .*ms.* per step\./, { timeout: 90_000 });
    console.log(`run probe: ${await runProbe.innerText()}`);
    if (onCpu) await expect(page.getByTestId('cpu-comfort')).toContainText(/^Comfortable here: your run takes [\d.,]+ ms a step .*hidden sizes of about \d+/);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepCount(page)).toBe(3);
    // The run is saved 0.7 s after the step, and its first save adds a row to Saved runs, above the
    // GPU panel: a click at the switch's place just then lands where it no longer is (CI saw the
    // click lost). So the save comes first.
    await expect(page.getByTestId('save-status')).toHaveText('Saved at step 3.');
    // Switch: the run carries on from step 3 on the other backend.
    await page.getByTestId('switch-backend').click();
    await expect(page.getByTestId(onCpu ? 'software-adapter-notice' : 'cpu-backend-notice')).toBeVisible({ timeout: 90_000 });
    await ready(page);
    expect(await stepCount(page)).toBe(3);
    // A backend the page chose: no other backend is timed or offered; on the CPU, its own step gives the sizes.
    if (!onCpu) await expect(page.getByTestId('cpu-comfort')).toContainText(/^Comfortable here: your run takes [\d.,]+ ms a step/, { timeout: 60_000 });
    await expect(page.getByTestId('run-probe')).toHaveCount(0);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepCount(page), { timeout: 60_000 }).toBe(4);
  });
});
