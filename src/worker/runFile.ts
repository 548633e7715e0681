// A saved run as one file, to take to another browser and import there (the runs list's Export
// and "Import run…"): everything IndexedDB keeps of it (./persist.ts: the list entry, the data
// file's bytes, every model's parameters, optimizer state and histories, the sampler's state).
//
//   bytes 0-7    "TSRUN\0\0\x01" (format version 1)
//   bytes 8-15   N, the header's length, little-endian u64
//   N bytes      JSON: { format, app, value, blobs: [[offset, byteLength], …] }, where `value` is
//                the SavedRun with every typed array or ArrayBuffer replaced by
//                {"$blob": i, "type": "Float32Array"} and every non-finite number by {"$num": "NaN"}
//   the blobs    back to back from byte 16 + N, each starting on 8 bytes, little-endian
//
// A file that is not one, or that is cut short or damaged, is refused with a message that names
// the file and what is wrong; nothing is imported then.

import type { SavedRun } from './persist';

const MAGIC = [0x54, 0x53, 0x52, 0x55, 0x4e, 0, 0, 1];
export const RUN_FILE_FORMAT = 'timestep-run';

const ARRAYS = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array, Int8Array, Int16Array, Uint16Array } as const;
type ArrayName = keyof typeof ARRAYS;
type AnyArray = InstanceType<(typeof ARRAYS)[ArrayName]>;

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function arrayName(v: unknown): ArrayName | null {
  for (const name of Object.keys(ARRAYS) as ArrayName[]) if (v instanceof ARRAYS[name]) return name;
  return null;
}

/** `<name>.timestep-run`, lower case, dashes for anything else. */
export function runFileName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug || 'run'}.timestep-run`;
}

export function encodeRunFile(run: SavedRun, app: string): Uint8Array {
  if (!isLittleEndian) throw new Error('Exporting a run needs a little-endian machine.');
  const blobs: Uint8Array[] = [];
  const encode = (v: unknown): unknown => {
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
    if (v instanceof ArrayBuffer) {
      blobs.push(new Uint8Array(v));
      return { $blob: blobs.length - 1, type: 'ArrayBuffer' };
    }
    const name = arrayName(v);
    if (name) {
      const a = v as AnyArray;
      blobs.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return { $blob: blobs.length - 1, type: name };
    }
    if (Array.isArray(v)) return v.map(encode);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, encode(x)]));
    return v;
  };
  const value = encode(run);
  const places: Array<[number, number]> = [];
  let offset = 0;
  for (const b of blobs) {
    places.push([offset, b.byteLength]);
    offset = Math.ceil((offset + b.byteLength) / 8) * 8;
  }
  const header = new TextEncoder().encode(JSON.stringify({ format: RUN_FILE_FORMAT, app, value, blobs: places }));
  const headerLength = Math.ceil(header.length / 8) * 8;
  const out = new Uint8Array(16 + headerLength + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setBigUint64(8, BigInt(headerLength), true);
  out.set(header, 16);
  out.fill(0x20, 16 + header.length, 16 + headerLength);
  blobs.forEach((b, i) => out.set(b, 16 + headerLength + places[i][0]));
  return out;
}

/** Reads a run file back; throws an Error that names the file and what is wrong with it. */
export function decodeRunFile(bytes: Uint8Array, file: string): SavedRun {
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  if (bytes.length < 16 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a Timestep run file (it does not start with "TSRUN"); export one from the Saved runs list.');
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(8, true));
  if (16 + headerLength > bytes.length) fail(`the header says ${headerLength} bytes, but the file has only ${bytes.length - 16} after its first 16: it was cut short.`);
  let header: { format?: unknown; value?: unknown; blobs?: unknown };
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLength)));
  } catch (e) {
    return fail(`its header is not valid JSON (${(e as Error).message}).`);
  }
  if (header.format !== RUN_FILE_FORMAT) fail(`its header says format ${JSON.stringify(header.format)}, not "${RUN_FILE_FORMAT}".`);
  const places = header.blobs;
  if (!Array.isArray(places)) return fail('its header has no list of blobs.');
  const start = 16 + headerLength;
  const decode = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => decode(x, `${path}[${i}]`));
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if ('$num' in o) return Number(o.$num);
    if ('$blob' in o) {
      const place = places[o.$blob as number];
      if (!Array.isArray(place) || place.length !== 2 || !place.every((n) => Number.isSafeInteger(n) && n >= 0)) return fail(`${path} refers to blob ${String(o.$blob)}, which the header does not place.`);
      const [at, length] = place as [number, number];
      if (start + at + length > bytes.length) return fail(`${path} (${length} bytes at ${at}) lies past the end of the file: it was cut short.`);
      // A copy: the arrays outlive the file's buffer and go into IndexedDB on their own.
      const copy = bytes.slice(start + at, start + at + length).buffer;
      if (o.type === 'ArrayBuffer') return copy;
      const Ctor = ARRAYS[o.type as ArrayName];
      if (!Ctor) return fail(`${path} has an unknown array type ${JSON.stringify(o.type)}.`);
      if (length % Ctor.BYTES_PER_ELEMENT !== 0) return fail(`${path}: ${length} bytes is not a whole number of ${o.type} elements.`);
      return new Ctor(copy);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x, `${path}.${k}`)]));
  };
  const run = decode(header.value, 'run') as SavedRun;
  checkShape(run, fail);
  return run;
}

/** The parts reopening a run relies on are there and of the right kind. */
function checkShape(run: SavedRun, fail: (why: string) => never): void {
  const m = run?.meta;
  const s = run?.state;
  if (!m || typeof m.id !== 'string' || typeof m.name !== 'string' || !m.run || !Array.isArray(m.run.models)) fail('it holds no run (meta.id, meta.name, meta.run.models).');
  if (!s || !Array.isArray(s.models) || !s.random || typeof s.window !== 'number') fail('it holds no run state (state.models, state.random, state.window).');
  if (m.source?.kind === 'file' && !(s.file instanceof ArrayBuffer)) fail(`the run trained on the uploaded file ${m.source.name}, whose bytes are missing.`);
  for (const [i, model] of s.models.entries()) {
    if (typeof model.id !== 'string' || !model.params || !model.optimizer || !Array.isArray(model.optimizer.slabs) || !model.history) fail(`state.models[${i}] is incomplete (id, params, optimizer, history).`);
    for (const [name, p] of Object.entries(model.params)) if (!(p instanceof Float32Array)) fail(`state.models[${i}] (${model.id}): parameter ${name} is not float32.`);
    if (!model.optimizer.slabs.every((x) => x instanceof Float32Array)) fail(`state.models[${i}] (${model.id}): its optimizer state is not float32.`);
  }
}
