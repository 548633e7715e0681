// A zip archive of files stored as they are (method 0, no compression): local headers, the data,
// then the central directory and its end record (PKWARE's APPNOTE, sections 4.3 and 4.4). The
// files an export carries are mostly float32 tensors, which deflate barely shrinks, so storing
// them keeps this to a CRC and some headers. Names are UTF-8 (flag bit 11); every entry is dated
// 1980-01-01 so that the same run gives the same bytes. No zip64: each file and the whole archive
// must stay under 4 GiB, far above what a browser run holds.

/** One file of an archive: its path inside the zip ('/'-separated) and its bytes. */
export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, the one zip and gzip use) of some bytes. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const UTF8_NAMES = 1 << 11;
/** MS-DOS date of 1980-01-01 (day 1, month 1, year 0 from 1980); time 00:00:00. */
const DOS_DATE = (1 << 5) | 1;
const LIMIT = 0xffffffff;

/** The archive's bytes, entries in the order given. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const files = entries.map((e) => ({ name: encoder.encode(e.name), data: e.data, crc: crc32(e.data), offset: 0 }));
  const localSize = files.reduce((s, f) => s + 30 + f.name.length + f.data.length, 0);
  const centralSize = files.reduce((s, f) => s + 46 + f.name.length, 0);
  if (localSize + centralSize + 22 > LIMIT || files.length > 0xffff) throw new Error('The archive would pass 4 GiB or 65,535 files, which a zip without zip64 cannot hold.');
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (v: number) => {
    view.setUint16(at, v, true);
    at += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v, true);
    at += 4;
  };
  // The fields a local header and a central-directory entry share, from "version needed" to the name's length.
  const common = (f: (typeof files)[number]) => {
    u16(20); // version needed: 2.0
    u16(UTF8_NAMES);
    u16(0); // stored
    u16(0); // time
    u16(DOS_DATE);
    u32(f.crc);
    u32(f.data.length); // compressed size
    u32(f.data.length); // uncompressed size
    u16(f.name.length);
  };
  for (const f of files) {
    f.offset = at;
    u32(0x04034b50);
    common(f);
    u16(0); // extra field length
    out.set(f.name, at);
    at += f.name.length;
    out.set(f.data, at);
    at += f.data.length;
  }
  const centralStart = at;
  for (const f of files) {
    u32(0x02014b50);
    u16(0x031e); // made by: Unix, spec 3.0
    common(f);
    u16(0); // extra field length
    u16(0); // comment length
    u16(0); // disk number
    u16(0); // internal attributes
    u32(0o100644 << 16); // external attributes: a regular file, rw-r--r--
    u32(f.offset);
    out.set(f.name, at);
    at += f.name.length;
  }
  u32(0x06054b50);
  u16(0); // this disk
  u16(0); // disk of the central directory
  u16(files.length);
  u16(files.length);
  u32(centralSize);
  u32(centralStart);
  u16(0); // comment length
  return out;
}
