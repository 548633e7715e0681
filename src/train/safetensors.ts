// The safetensors container (huggingface/safetensors), the way PyTorch people share weights
// without pickle. A file is
//
//   8 bytes   N, the header length, a little-endian u64
//   N bytes   UTF-8 JSON: {"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}
//   the rest  the buffer: every tensor little-endian and row-major, back to back
//
// Offsets count from the start of the buffer; the tensors cover it exactly, with no gap and no
// overlap (the library refuses anything else). The library pads the header with spaces to a
// multiple of 8 bytes and lays tensors out by dtype alignment (widest first), then by name; the
// writer here does the same, so for float32 tensors its bytes are those of `save_file` up to the
// order of the metadata's keys. What a model makes of the tensors is weights.ts's business.

/** The element types of the format and their sizes in bytes, in the library's order (by alignment, narrowest first). */
const SAFETENSORS_DTYPES = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
} as const;

/** A dtype as the header names it ("F32", "BF16", "I64", ...). */
export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPES;

/** One tensor of a file: its bytes are a view into the file's. */
export interface SafetensorsTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  bytes: Uint8Array;
}

/** What a file holds, as readSafetensors found it. */
export interface SafetensorsFile {
  /** The `__metadata__` map, or null when the file has none. */
  metadata: Record<string, string> | null;
  /** In the order of the buffer. */
  tensors: SafetensorsTensor[];
}

/** The library refuses headers past 100 MB; so do we (a corrupt length would ask for gigabytes). */
const MAX_HEADER_BYTES = 100_000_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const show = (xs: readonly number[]) => `[${xs.join(', ')}]`;

/**
 * Writes float32 and int32 tensors (and string metadata, if any) as a safetensors file: tensors
 * sorted as the library sorts them (F32 before I32, then by name), `__metadata__` first in the
 * header, the header padded with spaces to 8 bytes.
 */
export function writeSafetensors(tensors: ReadonlyArray<{ name: string; shape: readonly number[]; data: Float32Array | Int32Array }>, metadata?: Record<string, string>): Uint8Array {
  const dtypeOf = (t: { data: Float32Array | Int32Array }): SafetensorsDtype => (t.data instanceof Int32Array ? 'I32' : 'F32');
  const rank = (d: SafetensorsDtype) => Object.keys(SAFETENSORS_DTYPES).indexOf(d);
  const sorted = [...tensors].sort((a, b) => rank(dtypeOf(b)) - rank(dtypeOf(a)) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let offset = 0;
  // Built by hand rather than from an object, whose integer-like keys JavaScript would reorder.
  const entries = metadata ? [`"__metadata__":${JSON.stringify(metadata)}`] : [];
  for (const t of sorted) {
    entries.push(`${JSON.stringify(t.name)}:${JSON.stringify({ dtype: dtypeOf(t), shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] })}`);
    offset += 4 * t.data.length;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const t of sorted) {
    const int = t.data instanceof Int32Array;
    for (const v of t.data) {
      if (int) view.setInt32(at, v, true);
      else view.setFloat32(at, v, true);
      at += 4;
    }
  }
  return out;
}

/**
 * Reads a safetensors file, checking it the way the library does: the header within the file,
 * JSON of the right shape, known dtypes, each tensor's byte length equal to its dtype's size
 * times its element count, and the tensors covering the buffer exactly. Throws an Error that
 * names the file (and the tensor) otherwise.
 */
export function readSafetensors(data: Uint8Array, file: string): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new Error(`${file}: ${msg}`);
  };
  if (data.length < 8) fail(`${data.length} bytes, too short for a safetensors file (it starts with an 8-byte header length).`);
  const n = new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(0, true);
  if (n > BigInt(data.length - 8)) fail(`the header length (${n} bytes) runs past the end of the file (${data.length} bytes): the file is truncated or not safetensors.`);
  if (n > MAX_HEADER_BYTES) fail(`the header is ${n} bytes, over the ${MAX_HEADER_BYTES.toLocaleString('en')} a safetensors file may have.`);
  const bufferStart = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(8, bufferStart)));
  } catch (error) {
    fail(`the header is not valid UTF-8 JSON (${(error as Error).message}).`);
  }
  if (!isObject(header)) return fail('the header must be a JSON object of named tensors.');
  let metadata: Record<string, string> | null = null;
  const tensors: Array<SafetensorsTensor & { begin: number; end: number }> = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isObject(info) || Object.values(info).some((v) => typeof v !== 'string')) fail('"__metadata__" must map strings to strings.');
      metadata = info as Record<string, string>;
      continue;
    }
    if (!isObject(info)) return fail(`${name}: expected {"dtype", "shape", "data_offsets"}.`);
    const { dtype, shape, data_offsets: offsets } = info;
    if (typeof dtype !== 'string' || !(dtype in SAFETENSORS_DTYPES)) return fail(`${name} has dtype ${JSON.stringify(dtype)}, not one of ${Object.keys(SAFETENSORS_DTYPES).join(', ')}.`);
    if (!Array.isArray(shape) || !shape.every(isCount)) return fail(`${name}: "shape" must be a list of sizes, not ${JSON.stringify(shape)}.`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      return fail(`${name}: "data_offsets" must be [begin, end] with begin <= end, not ${JSON.stringify(offsets)}.`);
    }
    const [begin, end] = offsets as number[];
    const size = SAFETENSORS_DTYPES[dtype as SafetensorsDtype] * shape.reduce((a: number, b: number) => a * b, 1);
    if (end - begin !== size) fail(`${name} is ${dtype} of shape ${show(shape)}, ${size} bytes, but its data_offsets ${show(offsets)} span ${end - begin}.`);
    tensors.push({ name, dtype: dtype as SafetensorsDtype, shape, begin, end, bytes: new Uint8Array(0) });
  }
  // The buffer, tensor by tensor in the order of their offsets: each starts where the last ended.
  const bufferLength = data.length - bufferStart;
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let last = 'the start of the buffer';
  for (const t of tensors) {
    if (t.begin < covered) fail(`${t.name} (bytes ${show([t.begin, t.end])}) overlaps ${last}, which ends at ${covered}.`);
    if (t.begin > covered) fail(`${covered === 0 ? 'the buffer starts' : `after ${last}`} with ${t.begin - covered} bytes no tensor names, before ${t.name}.`);
    if (t.end > bufferLength) fail(`${t.name} ends at byte ${t.end}, past the end of the buffer (${bufferLength} bytes): the file is truncated.`);
    t.bytes = data.subarray(bufferStart + t.begin, bufferStart + t.end);
    covered = t.end;
    last = t.name;
  }
  if (covered !== bufferLength) fail(`${bufferLength - covered} bytes after the last tensor that no tensor names.`);
  return { metadata, tensors: tensors.map(({ name, dtype, shape, bytes }) => ({ name, dtype, shape, bytes })) };
}

/** Half-precision bits to a number (subnormals, infinities and NaN included). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * A floating-point tensor's values as float32: F32 as they are, F64 rounded, F16 and BF16
 * widened exactly. Integer and 8-bit float tensors are refused, naming the tensor and its dtype.
 */
export function tensorToFloat32(t: SafetensorsTensor, file: string): Float32Array {
  if (t.dtype !== 'F32' && t.dtype !== 'F64' && t.dtype !== 'F16' && t.dtype !== 'BF16') {
    throw new Error(`${file}: ${t.name} is ${t.dtype}; a model's parameters load from floating-point tensors (F32, or F64, F16, BF16 converted to float32).`);
  }
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Float32Array(t.bytes.length / SAFETENSORS_DTYPES[t.dtype]);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < out.length; i++) {
    if (t.dtype === 'F32') out[i] = view.getFloat32(4 * i, true);
    else if (t.dtype === 'F64') out[i] = view.getFloat64(8 * i, true);
    else if (t.dtype === 'F16') out[i] = halfToNumber(view.getUint16(2 * i, true));
    // bfloat16 is the top half of a float32's bits.
    else bits[i] = view.getUint16(2 * i, true) << 16;
  }
  return out;
}
