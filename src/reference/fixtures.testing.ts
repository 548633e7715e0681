// For tests only: where the PyTorch fixtures are (test-data/torch/, written by
// scripts/make-torch-fixtures.py; its README has the format), or the folder TIMESTEP_FIXTURES names,
// which may hold any files of that format.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

export const FIXTURES = process.env.TIMESTEP_FIXTURES ?? resolve(import.meta.dirname, '../../test-data/torch');

/** The fixture files (sorted names) whose name matches `pattern`; every `.json` without one. */
export function fixtureNames(pattern: RegExp = /\.json$/): string[] {
  if (!existsSync(FIXTURES)) return [];
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json') && pattern.test(f))
    .sort();
}

/** minGRU / minLSTM and their training runs. */
export const MINRNN = /^(train_)?(mingru|minlstm)(_.*)?\.json$/;
