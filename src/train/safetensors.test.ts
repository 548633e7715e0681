// The safetensors container on its own: what is written reads back bit for bit, the header is laid
// out as the library lays it out (padding, order, offsets), a file in another order or without
// metadata reads the same, and every kind of broken file is refused with the file and the tensor.

import { describe, expect, it } from 'vitest';
import { Random } from '../data/random';
import { readSafetensors, tensorToFloat32, writeSafetensors, type SafetensorsTensor } from './safetensors';

const encode = (s: string) => new TextEncoder().encode(s);

/** A file put together by hand: the header as given (no padding unless it has some), then the buffer. */
function handmade(header: string, buffer: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = encode(header);
  const out = new Uint8Array(8 + json.length + buffer.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(buffer, 8 + json.length);
  return out;
}

function headerOf(file: Uint8Array): string {
  const n = Number(new DataView(file.buffer).getBigUint64(0, true));
  return new TextDecoder().decode(file.subarray(8, 8 + n));
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const f32bytes = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

describe('safetensors writer and reader', () => {
  it('writes int32 tensors beside float32 ones, F32 first as the library orders them', () => {
    const file = readSafetensors(writeSafetensors([{ name: 'a_ids', shape: [3], data: Int32Array.of(-1, 0, 2 ** 31 - 1) }, { name: 'b', shape: [1], data: Float32Array.of(0.5) }]), 'mixed.safetensors');
    expect(file.tensors.map((t) => [t.name, t.dtype])).toEqual([['b', 'F32'], ['a_ids', 'I32']]);
    const ids = file.tensors[1].bytes;
    expect(Array.from(new Int32Array(ids.slice().buffer))).toEqual([-1, 0, 2 ** 31 - 1]);
  });

  it('read back exactly the float32 values and metadata written, at odd shapes', () => {
    const rng = new Random(3);
    const shapes = [[1], [7], [3, 5], [2, 3, 1], [], [33, 1, 2]];
    const tensors = shapes.map((shape, k) => ({ name: `t${k}.w`, shape, data: Float32Array.from(rng.uniformArray(shape.reduce((a, b) => a * b, 1), -5, 5)) }));
    // Values a careless conversion would lose: signed zero, a subnormal, the extremes of float32.
    tensors[1].data.set([-0, 1.4e-45, 3.4028234663852886e38, -1.1754943508222875e-38, 1 / 3]);
    const metadata = { format: 'timestep', note: 'ünïcode → ✓', model: JSON.stringify({ kind: 'recurrent', hiddenSize: 5 }) };
    const file = readSafetensors(writeSafetensors(tensors, metadata), 'odd.safetensors');
    expect(file.metadata).toEqual(metadata);
    expect(file.tensors.map((t) => t.name)).toEqual(tensors.map((t) => t.name));
    for (const t of tensors) {
      const got = file.tensors.find((x) => x.name === t.name)!;
      expect(got.dtype).toBe('F32');
      expect(got.shape, t.name).toEqual(t.shape);
      expect(bits(tensorToFloat32(got, 'odd.safetensors')), t.name).toEqual(bits(t.data));
    }
  });

  it('lay the header out as the library does: padded to 8 with spaces, sorted by name, offsets back to back', () => {
    const t = (name: string, n: number) => ({ name, shape: [n], data: new Float32Array(n).fill(n) });
    // Integer-like names stay in string order ("10" before "9"), which a plain JS object would not keep.
    const out = writeSafetensors([t('head.weight', 3), t('9', 2), t('encoder.b', 1), t('10', 5)], { format: 'x' });
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = headerOf(out);
    expect(header).toMatch(/^\{"__metadata__":\{"format":"x"\},"10":/);
    expect(header.trimEnd().length).toBeGreaterThan(n - 8);
    expect(header.slice(header.trimEnd().length)).toMatch(/^ *$/);
    // (Read from the text: JSON.parse would put "9" before "10" again.)
    expect(Array.from(header.matchAll(/"([^"]+)":\{"dtype"/g), (m) => m[1])).toEqual(['10', '9', 'encoder.b', 'head.weight']);
    const parsed = JSON.parse(header);
    expect(['10', '9', 'encoder.b', 'head.weight'].map((k) => parsed[k])).toEqual([
      { dtype: 'F32', shape: [5], data_offsets: [0, 20] },
      { dtype: 'F32', shape: [2], data_offsets: [20, 28] },
      { dtype: 'F32', shape: [1], data_offsets: [28, 32] },
      { dtype: 'F32', shape: [3], data_offsets: [32, 44] },
    ]);
    expect(out.length).toBe(8 + n + 44);
    // The input's order does not change a byte.
    expect(writeSafetensors([t('10', 5), t('encoder.b', 1), t('head.weight', 3), t('9', 2)], { format: 'x' })).toEqual(out);
  });

  it("match the library's own serialization examples byte for byte", () => {
    const data = Float32Array.from([0, 1, 2, 3, 4, 5]);
    // A header of exactly 64 bytes needs no padding; the data follows at once.
    const exact = writeSafetensors([{ name: 'attn.0', shape: [1, 2, 3], data }]);
    expect(exact).toEqual(Uint8Array.from([...[64, 0, 0, 0, 0, 0, 0, 0], ...encode('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'), ...f32bytes([0, 1, 2, 3, 4, 5])]));
    // One of 65 bytes is padded to 72 with seven spaces.
    const padded = writeSafetensors([{ name: 'attn0', shape: [1, 1, 2, 3], data }]);
    expect(padded.subarray(0, 8 + 72)).toEqual(Uint8Array.from([72, 0, 0, 0, 0, 0, 0, 0, ...encode('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}' + ' '.repeat(7))]));
    expect(writeSafetensors([])).toEqual(Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 0, ...encode('{}      ')]));
    expect(writeSafetensors([], { framework: 'pt' })).toEqual(Uint8Array.from([40, 0, 0, 0, 0, 0, 0, 0, ...encode('{"__metadata__":{"framework":"pt"}}     ')]));
  });

  it('read a file in any key order, unpadded, with metadata last or none', () => {
    const buffer = f32bytes([1, 2, 3, 4, 5]);
    const reversed = handmade('{"b":{"data_offsets":[8,20],"shape":[3],"dtype":"F32"},"a":{"shape":[2],"dtype":"F32","data_offsets":[0,8]},"__metadata__":{"k":"v"}}', buffer);
    const file = readSafetensors(reversed, 'r.safetensors');
    expect(file.metadata).toEqual({ k: 'v' });
    expect(file.tensors.map((t) => [t.name, Array.from(tensorToFloat32(t, 'r'))])).toEqual([
      ['a', [1, 2]],
      ['b', [3, 4, 5]],
    ]);
    expect(readSafetensors(handmade('{"a":{"dtype":"F32","shape":[5],"data_offsets":[0,20]}}', buffer), 'n.safetensors').metadata).toBeNull();
  });

  it('convert F64, F16 and BF16 to float32, and refuse integer tensors by name and dtype', () => {
    const t = (dtype: SafetensorsTensor['dtype'], bytes: number[]): SafetensorsTensor => ({ name: 'w', dtype, shape: [bytes.length], bytes: Uint8Array.from(bytes) });
    const f64 = new Uint8Array(Float64Array.from([0.1, -1e300, 2 ** -149]).buffer);
    expect(Array.from(tensorToFloat32({ name: 'w', dtype: 'F64', shape: [3], bytes: f64 }, 'f'))).toEqual([Math.fround(0.1), -Infinity, 2 ** -149]);
    // Half: 1, -2, the smallest subnormal, the largest finite, infinity; bfloat16: 1, -0.5.
    const half = new Uint8Array(Uint16Array.from([0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00]).buffer);
    expect(Array.from(tensorToFloat32({ ...t('F16', []), shape: [5], bytes: half }, 'f'))).toEqual([1, -2, 2 ** -24, 65504, Infinity]);
    const bf16 = new Uint8Array(Uint16Array.from([0x3f80, 0xbf00]).buffer);
    expect(Array.from(tensorToFloat32({ ...t('BF16', []), shape: [2], bytes: bf16 }, 'f'))).toEqual([1, -0.5]);
    expect(() => tensorToFloat32(t('I64', [1, 0, 0, 0, 0, 0, 0, 0]), 'ints.safetensors')).toThrow('ints.safetensors: w is I64; a model\'s parameters load from floating-point tensors (F32, or F64, F16, BF16 converted to float32).');
  });
});

describe('broken safetensors files are refused, naming the file and the tensor', () => {
  const good = writeSafetensors([{ name: 'a', shape: [2], data: Float32Array.from([1, 2]) }, { name: 'b', shape: [3], data: Float32Array.from([3, 4, 5]) }], { format: 'pt' });
  const buffer = f32bytes([1, 2, 3, 4, 5]);
  const refuse = (bytes: Uint8Array, message: string) => expect(() => readSafetensors(bytes, 'w.safetensors')).toThrow(message);

  it('too short, a header length past the end, a truncated buffer', () => {
    refuse(good.subarray(0, 5), 'w.safetensors: 5 bytes, too short for a safetensors file (it starts with an 8-byte header length).');
    refuse(good.subarray(0, 30), 'w.safetensors: the header length (144 bytes) runs past the end of the file (30 bytes): the file is truncated or not safetensors.');
    const huge = good.slice();
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    refuse(huge, 'w.safetensors: the header length (9223372036854775808 bytes) runs past the end of the file');
    refuse(good.subarray(0, good.length - 3), 'w.safetensors: b ends at byte 20, past the end of the buffer (17 bytes): the file is truncated.');
  });

  it('a header that is not JSON, not UTF-8, or not an object of tensors', () => {
    refuse(handmade('{"a": {"dtype": "F32",', buffer), 'w.safetensors: the header is not valid UTF-8 JSON (');
    refuse(handmade('', buffer), 'w.safetensors: the header is not valid UTF-8 JSON (');
    const latin1 = handmade('{"x":1}');
    latin1[10] = 0xe9;
    refuse(latin1, 'w.safetensors: the header is not valid UTF-8 JSON (');
    refuse(handmade('[1, 2]', buffer), 'w.safetensors: the header must be a JSON object of named tensors.');
    refuse(handmade('{"__metadata__": {"step": 3}}'), 'w.safetensors: "__metadata__" must map strings to strings.');
    refuse(handmade('{"a": [0, 20]}', buffer), 'w.safetensors: a: expected {"dtype", "shape", "data_offsets"}.');
    refuse(handmade('{"a": {"dtype": "F4", "shape": [5], "data_offsets": [0, 20]}}', buffer), 'w.safetensors: a has dtype "F4", not one of BOOL, U8,');
    refuse(handmade('{"a": {"dtype": "F32", "shape": [5, -1], "data_offsets": [0, 20]}}', buffer), 'w.safetensors: a: "shape" must be a list of sizes, not [5,-1].');
    refuse(handmade('{"a": {"dtype": "F32", "shape": [5], "data_offsets": [20, 0]}}', buffer), 'w.safetensors: a: "data_offsets" must be [begin, end] with begin <= end, not [20,0].');
  });

  it('offsets out of range, overlapping, leaving a hole, or not the size of dtype × shape', () => {
    refuse(handmade('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}', buffer), 'w.safetensors: b ends at byte 24, past the end of the buffer (20 bytes): the file is truncated.');
    refuse(handmade('{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}, "b": {"dtype": "F32", "shape": [3], "data_offsets": [8, 20]}}', buffer), 'w.safetensors: b (bytes [8, 20]) overlaps a, which ends at 12.');
    refuse(handmade('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [3], "data_offsets": [8, 20]}}', buffer), 'w.safetensors: after a with 4 bytes no tensor names, before b.');
    refuse(handmade('{"b": {"dtype": "F32", "shape": [3], "data_offsets": [8, 20]}}', buffer), 'w.safetensors: the buffer starts with 8 bytes no tensor names, before b.');
    refuse(handmade('{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}}', buffer), 'w.safetensors: 8 bytes after the last tensor that no tensor names.');
    refuse(handmade('{"a": {"dtype": "F16", "shape": [5], "data_offsets": [0, 20]}}', buffer), 'w.safetensors: a is F16 of shape [5], 10 bytes, but its data_offsets [0, 20] span 20.');
    refuse(handmade('{"a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}}', buffer), 'w.safetensors: a is F32 of shape [2, 3], 24 bytes, but its data_offsets [0, 20] span 20.');
  });
});
