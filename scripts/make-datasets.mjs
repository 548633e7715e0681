// Rebuilds public/data/ from the two packages its files came from (see public/data/README.md).
// Nothing here runs at build time; it documents, and can repeat, how the files were made.
//
//   npm pack vega-datasets@3.2.1            && tar xzf vega-datasets-3.2.1.tgz        (-> package/)
//   apt-get download r-cran-janeaustenr     && dpkg-deb -x r-cran-janeaustenr_*.deb x
//   node scripts/make-datasets.mjs package/data/seattle-weather.csv \
//        x/usr/lib/R/site-library/janeaustenr/data
//
// The Jane Austen texts sit in R's lazy-load database (Rdata.rdx + Rdata.rdb): a gzip-compressed
// index of (offset, length) per object, and zlib-compressed objects in R's XDR serialisation.
// Only what a character vector needs is read here.

import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, inflateSync } from 'node:zlib';
import { join } from 'node:path';

const [csvPath, rdataDir] = process.argv.slice(2);
if (!csvPath || !rdataDir) {
  console.error('usage: node scripts/make-datasets.mjs <seattle-weather.csv> <janeaustenr/data dir>');
  process.exit(1);
}
const out = new URL('../public/data/', import.meta.url);

// 1. Seattle weather: keep the NOAA columns, drop the "weather" category vega-datasets synthesised.
const csv = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
writeFileSync(new URL('seattle-weather.csv', out), csv.map((l) => l.split(',').slice(0, 5).join(',')).join('\n') + '\n');

// 2. Pride and Prejudice, chapters 1-12.
class RReader {
  constructor(buf) {
    this.b = buf;
    this.p = 0;
    this.refs = [];
  }
  int() {
    const v = this.b.readInt32BE(this.p);
    this.p += 4;
    return v;
  }
  top() {
    if (this.b.toString('latin1', 0, 2) !== 'X\n') throw new Error('not XDR serialisation');
    this.p = 2;
    const version = this.int();
    this.int();
    this.int();
    if (version === 3) {
      const n = this.int(); // native encoding name
      this.p += n;
    }
    return this.item();
  }
  item() {
    const flags = this.int();
    const type = flags & 0xff;
    const hasAttr = (flags >> 9) & 1;
    const hasTag = (flags >> 10) & 1;
    switch (type) {
      case 254: // NILVALUE_SXP
      case 242: // EMPTYENV_SXP
        return null;
      case 255: // REFSXP
        return this.refs[(flags >> 8) - 1];
      case 1: {
        // SYMSXP
        const name = this.item();
        this.refs.push(name);
        return { sym: name };
      }
      case 2: {
        // LISTSXP (pairlist): attributes, tag, car, cdr
        if (hasAttr) this.item();
        const tag = hasTag ? this.item() : null;
        const car = this.item();
        const cdr = this.item();
        return [[tag, car], ...(Array.isArray(cdr) ? cdr : [])];
      }
      case 9: {
        // CHARSXP
        const n = this.int();
        if (n === -1) return null;
        const s = this.b.toString('utf8', this.p, this.p + n);
        this.p += n;
        return s;
      }
      case 16: // STRSXP
      case 19: {
        // VECSXP
        const n = this.int();
        const items = Array.from({ length: n }, () => this.item());
        const attr = hasAttr ? this.item() : null;
        return { items, attr };
      }
      case 10: // LGLSXP
      case 13: {
        // INTSXP
        const n = this.int();
        const items = Array.from({ length: n }, () => this.int());
        const attr = hasAttr ? this.item() : null;
        return { items, attr };
      }
      default:
        throw new Error(`R type ${type} not handled`);
    }
  }
}

const index = new RReader(gunzipSync(readFileSync(join(rdataDir, 'Rdata.rdx')))).top();
const variables = index.items[0];
const names = variables.attr.find(([tag]) => tag && tag.sym === 'names')[1].items;
const k = names.indexOf('prideprejudice');
const [offset, length] = variables.items[k].items;
const rdb = readFileSync(join(rdataDir, 'Rdata.rdb'));
const obj = new RReader(inflateSync(rdb.subarray(offset + 4, offset + length))).top();
const lines = obj.items.map((l) => l ?? '');
const chapter13 = lines.findIndex((l) => l === 'Chapter 13');
const text = lines.slice(0, chapter13).join('\n').trimEnd() + '\n';
writeFileSync(new URL('pride-and-prejudice.txt', out), text);
console.log(`seattle-weather.csv: ${csv.length - 1} days; pride-and-prejudice.txt: ${Buffer.byteLength(text)} bytes`);
