// A saved run as one file: what goes in comes out the same (typed arrays of every kind, views into
// larger buffers, an uploaded file's bytes, NaN and infinities), and a file that is not one, is cut
// short or damaged is refused with a message naming the file and what is wrong.

import { describe, expect, it } from 'vitest';
import { defaultChoice, generateBuiltin } from '../data';
import type { SavedRun } from './persist';
import { decodeRunFile, encodeRunFile, runFileName } from './runFile';

function savedRun(): SavedRun {
  const big = new Float32Array([9, 9, 1.5, -2, 3.25, 9]);
  return {
    meta: {
      id: 'run-1',
      name: 'levels.csv · GRU 1×3 · 2 Dec, 14:05',
      created: 100,
      saved: 200,
      source: { kind: 'file', name: 'levels.csv', size: 5 },
      shape: { time: 'auto', key: 'auto', keys: [] },
      run: { models: [], training: { optimizer: 'adam', lr: 0.01, batch: 4, seqLen: 8, tbptt: 0, clip: 1, speed: 'max', validateEvery: 1 }, data: defaultChoice(generateBuiltin('sine-mix', { length: 100 }, 1)), seed: 1 },
      models: ['GRU 1×3'],
      step: 7,
      bestValidation: null,
      bytes: 12,
    },
    state: {
      id: 'run-1',
      file: new TextEncoder().encode('a,b\n1,2').buffer as ArrayBuffer,
      models: [
        {
          id: 'a',
          // A view into a larger buffer: only its own bytes go in the file.
          params: { 'encoder.weight_hh_l0': big.subarray(2, 5), 'head.bias': Float32Array.of(NaN, -0, 1e-45) },
          optimizer: { steps: 7, slabs: [Float32Array.of(0.5, 0.25), Float32Array.of(1e-8, 3)] },
          history: { steps: Float64Array.of(1, 2, 2 ** 40), loss: Float32Array.of(1, Infinity, 0.5), gradNorm: Float32Array.of(1, 2, 3), clipScale: Float32Array.of(1, 1, 0.5), valSteps: new Float64Array(), valLoss: new Float32Array() },
        },
      ],
      random: { state: 4_000_000_000, spare: NaN },
      window: 7,
    },
  } as unknown as SavedRun;
}

describe('run files', () => {
  it('export then import gives the same run, bit for bit', () => {
    const run = savedRun();
    const bytes = encodeRunFile(run, '0.1.0');
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('TSRUN');
    const back = decodeRunFile(bytes, 'x.timestep-run');
    expect(back).toEqual(run);
    const m = back.state.models[0];
    expect(m.params['encoder.weight_hh_l0']).toBeInstanceOf(Float32Array);
    expect(Array.from(m.params['encoder.weight_hh_l0'])).toEqual([1.5, -2, 3.25]);
    expect(Object.is(m.params['head.bias'][1], -0)).toBe(true);
    expect(m.history.steps).toBeInstanceOf(Float64Array);
    expect(m.history.steps[2]).toBe(2 ** 40);
    expect(new TextDecoder().decode(back.state.file!)).toBe('a,b\n1,2');
    expect(back.state.random.spare).toBeNaN();
    expect(back.state.random.state).toBe(4_000_000_000);
    expect(runFileName(run.meta.name)).toBe('levels-csv-gru-1-3-2-dec-14-05.timestep-run');
  });

  it('refuses what is not a run file, or is cut short or damaged, naming the file', () => {
    const bytes = encodeRunFile(savedRun(), '0.1.0');
    expect(() => decodeRunFile(new TextEncoder().encode('day,level\n1,2\n'), 'levels.csv')).toThrow(/^levels\.csv: not a Timestep run file/);
    expect(() => decodeRunFile(bytes.subarray(0, 40), 'cut.timestep-run')).toThrow(/^cut\.timestep-run: the header says \d+ bytes, but the file has only 24/);
    expect(() => decodeRunFile(bytes.subarray(0, bytes.length - 8), 'short.timestep-run')).toThrow(/^short\.timestep-run: run\.state\.models\[0\]\.history\.\w+ \(\d+ bytes at \d+\) lies past the end of the file/);
    const damaged = bytes.slice();
    damaged[17] = 0x7b; // '{' inside the JSON
    expect(() => decodeRunFile(damaged, 'bad.timestep-run')).toThrow(/^bad\.timestep-run: its header is not valid JSON/);
    const noFile = savedRun();
    noFile.state.file = null;
    expect(() => decodeRunFile(encodeRunFile(noFile, '0.1.0'), 'nofile.timestep-run')).toThrow(/^nofile\.timestep-run: the run trained on the uploaded file levels\.csv, whose bytes are missing/);
  });
});
