// Rebuilds public/data/irish-tunes.txt from MIDI files of the Ceol Rince na hÉireann corpus
// (polifonia-project/folk_ngram_analysis, cre_corpus/MIDI; see public/data/README.md): each file
// read by the app's own MIDI parser (src/data/midi/parse.ts), its melody on a sixteenth grid, one
// tune per line as "title<TAB>tokens". Files without a melody are reported and skipped.
//
//   node scripts/bundle-node.mjs scripts/make-irish-tunes.ts && node .build/make-irish-tunes.mjs DIR

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMidiFile } from '../src/data/midi/parse';

const dir = process.argv[2];
if (!dir) throw new Error('usage: make-irish-tunes.mjs DIR_OF_MIDI_FILES');
const lines: string[] = [];
let skipped = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.mid')).sort()) {
  try {
    const { dataset } = parseMidiFile(file, readFileSync(join(dir, file)));
    const tokens = Array.from(dataset.ids, (i) => dataset.vocab[i]).filter((k) => k !== '|');
    // "AchonryLassesreelThe.mid" → "Achonry Lasses reel The"
    const title = file.replace(/\.mid$/, '').replace(/([a-z])([A-Z0-9])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2');
    lines.push(`${title}\t${tokens.join(' ')}`);
  } catch (error) {
    skipped++;
    console.warn(`skipped ${file}: ${(error as Error).message}`);
  }
}
writeFileSync('public/data/irish-tunes.txt', lines.join('\n') + '\n');
console.log(`wrote ${lines.length} tunes (${skipped} skipped), ${lines.reduce((n, l) => n + l.split(' ').length, 0)} notes`);
