// Weights files in the page: download a trained model's weights (JSON and safetensors), load the
// safetensors file back after a reset (the run restarts from it), and refuse a file that does not
// fit with a message that names the file and the parameter, leaving the run as it was.

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { expectNoPageErrors, ready, stepCount } from './helpers';

expectNoPageErrors();

async function download(page: Page, id: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-weights-json-${id}`).click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

async function downloadSafetensors(page: Page, id: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-weights-${id}`).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

test('a downloaded LSTM loads back after a reset; a GRU file is refused and training goes on', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/#v=1&d=sine-mix&m=lstm.1.16.16.2.0.z&o=adam&lr=0.01&b=8&T=16&tb=0&clip=1&sp=max&ve=20&s=1');
  await ready(page);
  for (let k = 1; k <= 4; k++) {
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => stepCount(page)).toBe(k);
  }

  const saved = await download(page, 'a');
  expect(saved.name).toBe('timestep-lstm-16-step4.json');
  const doc = JSON.parse(saved.text);
  expect(doc).toMatchObject({ format: 'timestep-weights', step: 4, model: { kind: 'recurrent', cell: 'lstm', hiddenSize: 16 } });
  expect(Object.keys(doc.params)).toEqual(['encoder.weight_ih_l0', 'encoder.weight_hh_l0', 'encoder.bias_ih_l0', 'encoder.bias_hh_l0', 'head.weight', 'head.bias']);
  expect(doc.params['encoder.weight_hh_l0'].shape).toEqual([64, 16]);
  const binary = await downloadSafetensors(page, 'a');
  expect(binary.name).toBe('timestep-lstm-16-step4.safetensors');
  const headerLength = Number(binary.bytes.readBigUInt64LE(0));
  const header = JSON.parse(binary.bytes.subarray(8, 8 + headerLength).toString('utf8'));
  expect(header.__metadata__).toMatchObject({ format: 'timestep', step: '4' });
  expect(header['encoder.weight_hh_l0']).toMatchObject({ dtype: 'F32', shape: [64, 16] });

  // Reset draws fresh weights from the seed; loading the file brings the trained ones back.
  await page.getByTestId('reset').click();
  await expect.poll(() => stepCount(page)).toBe(0);
  const fresh = JSON.parse((await download(page, 'a')).text);
  expect(fresh.params['encoder.weight_hh_l0'].data).not.toEqual(doc.params['encoder.weight_hh_l0'].data);
  await page.getByTestId('load-weights-a').setInputFiles({ name: 'trained.safetensors', mimeType: 'application/octet-stream', buffer: binary.bytes });
  await expect.poll(async () => JSON.parse((await download(page, 'a')).text).params['encoder.weight_hh_l0'].data, { timeout: 30_000 }).toEqual(doc.params['encoder.weight_hh_l0'].data);

  // A GRU's weights do not fit the LSTM: said where, and nothing else changes.
  const gru = { ...doc, model: { ...doc.model, cell: 'gru' }, params: { ...doc.params, 'encoder.weight_hh_l0': { shape: [48, 16], data: Array(48 * 16).fill(0) } } };
  await page.getByTestId('load-weights-a').setInputFiles({ name: 'gru.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(gru)) });
  const alert = page.getByTestId('action-error');
  await expect(alert).toContainText('Could not load gru.json.');
  await expect(alert).toContainText('gru.json: params["encoder.weight_hh_l0"]: shape [48, 16], this model\'s is [64, 16] (it holds GRU (hidden 16, 1 layer(s)), this model is LSTM (hidden 16, 1 layer(s))).');
  await expect(page.getByTestId('config-error')).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(1);
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(alert).toHaveCount(0);
});

test('Export to PyTorch downloads one zip with the model, its weights and optimizer state, the data and train.py', async ({ page }) => {
  await page.goto('/#v=1&d=sine-mix&m=gru.1.8.16.2.0.z&o=adam&lr=0.01&b=4&T=12&tb=0&clip=1&sp=max&ve=20&s=1');
  await ready(page);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(1);
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pytorch-a').click()]);
  expect(file.suggestedFilename()).toBe('timestep-noisy-sine-mixture-gru-8.zip');
  const zip = readFileSync((await file.path())!);
  // A zip (local file header PK\3\4), store-only: each member's name readable in its header.
  expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 3, 4]));
  const names = [...zip.toString('latin1').matchAll(/PK\x03\x04[\s\S]{26}/g)].map((m) => {
    const at = m.index! + 26;
    const n = zip.readUInt16LE(at);
    return zip.subarray(at + 4, at + 4 + n).toString('utf8');
  });
  for (const want of ['model.py', 'train.py', 'weights.safetensors', 'optimizer.safetensors', 'data.safetensors', 'config.json', 'README.md']) expect(names).toContain(want);
  // Training went on meanwhile: the export does not stop the run.
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBe(2);
});
