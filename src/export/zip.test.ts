// The store-only zip writer, read back by Python's zipfile (the archive's own CRC check included)
// and checked against known CRC-32 values. Skipped where there is no Python (scripts/python.testing.ts).

import { spawnSync } from 'node:child_process';
import { needPython, PYTHON } from '../../scripts/python.testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, writeZip } from './zip';


describe('zip', () => {
  it('CRC-32 of known strings', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("reads back with Python's zipfile: names (UTF-8 too), bytes, an empty file", (test) => {
    needPython(test, 'python');
    const bytes = Uint8Array.from({ length: 70_001 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
    const entries = [
      { name: 'README.md', data: new TextEncoder().encode('# hello\n') },
      { name: 'dir/données.bin', data: bytes },
      { name: 'empty.txt', data: new Uint8Array(0) },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'timestep-zip-'));
    try {
      const file = join(dir, 'a.zip');
      writeFileSync(file, writeZip(entries));
      const script = `import zipfile, sys, json
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([[i.filename, i.compress_type, list(z.read(i.filename)[:4]), len(z.read(i.filename))] for i in z.infolist()]))`;
      const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual(entries.map((e) => [e.name, 0, Array.from(e.data.subarray(0, 4)), e.data.length]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
