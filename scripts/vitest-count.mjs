// A Vitest reporter for `npm test`'s count: every test case's outcome, each skipped one with the
// note it was skipped with (`ctx.skip(note)`), failed modules (a file that did not load) and errors
// outside any test. Writes TIMESTEP_COUNT_FILE; scripts/test.mjs deletes it before the run, so a
// runner that crashes leaves no report and can never be counted from a stale one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export default class CountReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    const out = process.env.TIMESTEP_COUNT_FILE;
    if (!out) return;
    const tests = [];
    const brokenModules = [];
    for (const module of testModules) {
      if (module.errors().length) brokenModules.push({ file: module.relativeModuleId, error: String(module.errors()[0].message) });
      for (const test of module.children.allTests()) {
        const result = test.result();
        tests.push({ file: module.relativeModuleId, name: test.fullName, state: result.state, note: result.note ?? null });
      }
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ tests, brokenModules, unhandledErrors: unhandledErrors.length }, null, 1));
  }
}
