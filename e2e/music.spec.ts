// Music end to end: a MIDI file is uploaded (its drum track left out), an LSTM trains on its
// melody, continues the validation data's first notes, the piano rolls draw (pixels), hovering
// a note names it, a click on Play builds the audio graph (a running AudioContext with notes
// scheduled), and the downloaded MIDI file parses back to the same notes.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test } from '@playwright/test';
import { expectNoPageErrors, LSTM_ORANGE, ON_WEBGPU, pixelStats, ready, stepCount } from './helpers';

// The library is CommonJS to Node's ESM loader: required, as Node reads it.
const { Midi } = createRequire(import.meta.url)('@tonejs/midi') as typeof import('@tonejs/midi');

expectNoPageErrors();

test('a MIDI upload: train an LSTM, generate, see, hear and download the continuation', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await ready(page);
  await expect(page.getByTestId('model-kind-a')).toHaveValue('lstm');
  await page.getByTestId('file-input').setInputFiles({ name: 'ode-to-joy.mid', mimeType: 'audio/midi', buffer: readFileSync('test-data/midi/ode-to-joy.mid') });
  await expect(page.getByTestId('data-preview')).toContainText('ode-to-joy.mid');
  await expect(page.getByTestId('data-preview')).toContainText('the melody of "Melody" (channel 1)');
  const tracks = page.getByTestId('midi-track');
  await expect(tracks).toHaveValue('0');
  await expect(tracks.locator('option')).toHaveText(['Melody · channel 1 · flute · 248 notes', 'Drums · channel 10 · drums · 120 notes (drums)']);
  await ready(page);

  // The data's roll draws notes; hovering the first one names it (Ode to Joy starts on E4).
  const dataRoll = page.getByTestId('roll-data');
  expect((await pixelStats(page, dataRoll, [0x5f, 0xa8, 0xd3])).colored).toBeGreaterThan(500);
  const first = await dataRoll.evaluate((el: HTMLCanvasElement) => {
    const px = el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data;
    for (let x = 0; x < el.width; x++) for (let y = 0; y < el.height; y++) {
      const i = (y * el.width + x) * 4;
      if (Math.abs(px[i] - 0x5f) + Math.abs(px[i + 1] - 0xa8) + Math.abs(px[i + 2] - 0xd3) < 30) return { x: (x + 3) / el.width, y: (y + 1) / el.height };
    }
    return null;
  });
  expect(first).not.toBeNull();
  const box = (await dataRoll.boundingBox())!;
  await page.mouse.move(box.x + first!.x * box.width, box.y + first!.y * box.height);
  await expect(page.getByTestId('roll-hover')).toContainText('E4 · data · starts bar 1, beat 1 · 1 beat');

  // Train a little.
  await page.keyboard.press('Space');
  await expect.poll(() => stepCount(page), { timeout: 120_000 }).toBeGreaterThanOrEqual(40);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('run-state')).toHaveText('paused');

  // Generate from the validation data's first 16 notes.
  await page.getByTestId('generate-length').fill('48');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('generate-done-a')).toContainText('16 primer notes (grey), 48 generated', { timeout: 60_000 });
  const roll = page.getByTestId('roll-a');
  expect((await pixelStats(page, roll, LSTM_ORANGE)).colored, "the continuation's notes").toBeGreaterThan(300);
  expect((await pixelStats(page, roll, [0x8a, 0x93, 0xa6])).colored, "the primer's notes").toBeGreaterThan(200);

  // Nothing sounds before a click; a click on Play builds the graph and schedules the notes.
  expect(await page.evaluate(() => window.timestepAudio?.context.state ?? 'none')).toBe('none');
  await page.getByTestId('play-a').click();
  await expect.poll(() => page.evaluate(() => window.timestepAudio?.context.state)).toBe('running');
  const scheduled = await page.evaluate(() => window.timestepAudio?.playback?.scheduled ?? 0);
  expect(scheduled).toBeGreaterThan(16);
  await expect(page.getByTestId('play-a')).toHaveText('Stop');
  await page.getByTestId('play-a').click();
  expect(await page.evaluate(() => window.timestepAudio?.playback ?? null)).toBeNull();

  // The download is a MIDI file another reader opens: the primer and continuation, at the tempo.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-midi-a').click()]);
  expect(download.suggestedFilename()).toBe('timestep-a-continuation.mid');
  const bytes = readFileSync(await download.path());
  const back = new Midi(bytes);
  expect(back.header.tempos[0].bpm).toBeCloseTo(120, 1);
  expect(back.tracks).toHaveLength(1);
  // Every note played is in the file (primer and continuation; rests are gaps), in time order.
  const notes = back.tracks[0].notes;
  expect(notes.length).toBe(scheduled);
  for (let i = 1; i < notes.length; i++) expect(notes[i].ticks).toBeGreaterThanOrEqual(notes[i - 1].ticks + notes[i - 1].durationTicks);
  expect(notes.every((n) => n.midi >= 40 && n.midi <= 90)).toBe(true);

  // A primer of chosen bars: bars 2–3 of Ode to Joy are eight quarter notes (G G F E D C C D).
  await page.getByTestId('primer-from').selectOption('bars');
  await page.getByTestId('primer-bar-to').fill('3');
  await page.getByTestId('primer-bar-from').fill('2');
  await expect(page.getByTestId('view-music')).toContainText('(8 notes)');
  await page.getByTestId('generate-length').fill('12');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('generate-done-a')).toContainText('8 primer notes (grey), 12 generated', { timeout: 60_000 });
});

// Writing 2,000 characters takes WebGPU long enough to watch its progress and stop it (the CPU backend is done first).
test.describe(() => {
  test.use(ON_WEBGPU);

  test('text: sampling shows its progress and Stop cancels it, keeping what was written', async ({ page }) => {
    test.setTimeout(240_000);
    await page.goto('/');
    await ready(page);
    const text = readFileSync('public/data/pride-and-prejudice.txt', 'utf8').slice(0, 4000);
    await page.getByTestId('file-input').setInputFiles({ name: 'austen.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await expect(page.getByTestId('view-text')).toBeVisible({ timeout: 60_000 });
    await ready(page);
    await page.getByTestId('view-text').locator('input[type=number]').fill('2000');
    await page.getByTestId('sample-button').click();
    // Progress while it writes, then Stop: what was written stays, marked stopped.
    await expect(page.getByTestId('sample-progress-a')).toContainText(/writing [1-9]\d* of 2000/, { timeout: 60_000 });
    await page.getByTestId('sample-stop').click();
    await expect(page.getByTestId('sample-button')).toBeVisible();
    await expect(page.getByTestId('view-text')).toContainText(/stopped after \d+/);
    const written = await page.getByTestId('text-sample-a').innerText();
    expect(written.length).toBeGreaterThan('The '.length);
    expect(written.length).toBeLessThan(2000 + 4);
    // A short one runs to its end.
    await page.getByTestId('view-text').locator('input[type=number]').fill('30');
    await page.getByTestId('sample-button').click();
    await expect.poll(async () => (await page.getByTestId('text-sample-a').innerText()).length).toBe('The '.length + 30);
  });
});

test('the Irish dance tunes built-in loads as melodies and its piano roll draws', async ({ page }) => {
  await page.goto('/');
  await ready(page);
  await page.getByTestId('dataset-irish-tunes').check();
  await expect(page.getByTestId('view-music')).toContainText(/The data: its first 64 beats \(\d{5} notes in all\)/, { timeout: 60_000 });
  expect((await pixelStats(page, page.getByTestId('roll-data'), [0x5f, 0xa8, 0xd3])).colored).toBeGreaterThan(500);
  await expect(page.getByTestId('midi-track')).toHaveCount(0);
});

test('a MIDI file read as note-on/off events: every note, chords too; a model continues the events', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await ready(page);
  await page.getByTestId('file-input').setInputFiles({ name: 'ode-to-joy.mid', mimeType: 'audio/midi', buffer: readFileSync('test-data/midi/ode-to-joy.mid') });
  await expect(page.getByTestId('data-preview')).toContainText('the melody of "Melody"');
  await page.getByTestId('midi-encoding').selectOption('events');
  await expect(page.getByTestId('data-preview')).toContainText('every note of "Melody" (channel 1) as note-on, note-off and wait events');
  await expect(page.getByTestId('data-preview')).toContainText('on:E4');
  expect((await pixelStats(page, page.getByTestId('roll-data'), [0x5f, 0xa8, 0xd3])).colored).toBeGreaterThan(500);
  // The drum track read as events is there to choose (its notes are chords of kick and snare).
  await page.getByTestId('midi-track').selectOption('1');
  await expect(page.getByTestId('data-preview')).toContainText('every note of "Drums" (channel 10)');
  await page.getByTestId('midi-track').selectOption('0');
  await expect(page.getByTestId('data-preview')).toContainText('every note of "Melody"');
  await ready(page);
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => stepCount(page)).toBeGreaterThanOrEqual(3);
  await page.getByTestId('generate-length').fill('20');
  await page.getByTestId('generate-button').click();
  await expect(page.getByTestId('generate-done-a')).toContainText('16 primer events (grey), 20 generated', { timeout: 60_000 });
  expect((await pixelStats(page, page.getByTestId('roll-a'), [0x8a, 0x93, 0xa6])).colored, "the primer's notes").toBeGreaterThan(100);
});
