#!/usr/bin/env python3
"""Safetensors files from PyTorch for Timestep's reader, and a check of Timestep's writer.

An implementation of the format independent of src/train/safetensors.ts, written from the
specification (huggingface/safetensors: README "Format" and safetensors/src/tensor.rs) with only
json, struct and torch, since Debian's python3-torch comes without the `safetensors` package:

  8 bytes    N, the header length, little-endian u64
  N bytes    UTF-8 JSON {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}}
  the rest   the tensors, little-endian, row-major, back to back from offset 0 to the end

`save` writes as safetensors.torch.save_file does: tensors sorted by dtype, widest alignment
first, then by name; "__metadata__" first in the header; compact JSON padded with spaces to a
multiple of 8 bytes. `load` checks what the library checks when it reads.

  python3 scripts/make-safetensors-fixtures.py          writes test-data/safetensors/
  python3 scripts/make-safetensors-fixtures.py FILE     reads FILE (one Timestep wrote), loads it
                                                        into a PyTorch module built from its
                                                        metadata, prints what it found as JSON
"""

import json
import math
import pathlib
import struct
import sys

import torch
from torch import nn

# The library's dtypes in increasing alignment order (its enum order, which save_file sorts by).
DTYPES = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
         "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8}
TORCH_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
                "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
NAMES = {v: k for k, v in TORCH_DTYPES.items()}

OUT = pathlib.Path(__file__).resolve().parent.parent / "test-data" / "safetensors"
assert sys.byteorder == "little", "the format is little-endian and tobytes() writes the host's order"


def tensor_bytes(t):
    t = t.detach().contiguous().cpu()
    # numpy has no bfloat16: its 16 bits as int16.
    return (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()


def save(tensors, path, metadata=None):
    """Writes {name: tensor} as safetensors.torch.save_file(tensors, path, metadata) would."""
    items = sorted(tensors.items(), key=lambda kv: (-DTYPES.index(NAMES[kv[1].dtype]), kv[0]))
    header = {} if metadata is None else {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in items:
        b = tensor_bytes(t)
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    pathlib.Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load(path):
    """Reads a file as safetensors.torch.load_file would: ({name: tensor}, metadata, names in buffer order)."""
    data = pathlib.Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    assert 8 + n <= len(data), f"header length {n} past the end of the file"
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None)
    assert metadata is None or all(isinstance(v, str) for v in metadata.values()), "metadata must map str to str"
    buffer = data[8 + n:]
    tensors, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        assert begin == end, f"{name} starts at {begin}, not where the last tensor ended ({end})"
        assert stop - begin == math.prod(info["shape"]) * SIZES[info["dtype"]], f"{name}: offsets do not match dtype and shape"
        tensors[name] = torch.frombuffer(bytearray(buffer[begin:stop]), dtype=TORCH_DTYPES[info["dtype"]]).reshape(info["shape"])
        end = stop
    assert end == len(buffer), f"{len(buffer) - end} bytes after the last tensor"
    return tensors, metadata, list(tensors)


class Net(nn.Module):
    """Timestep's model in PyTorch: a recurrent `encoder` (batch first) and a Linear `head` on every step."""

    def __init__(self, cell, input_size, hidden, layers, bidirectional, output_size):
        super().__init__()
        kind = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn_tanh": nn.RNN}[cell]
        self.encoder = kind(input_size, hidden, layers, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(hidden * (2 if bidirectional else 1), output_size)


def floats(t):
    """A tensor as Timestep reads it: float32 values (exact in JSON as float64), row-major."""
    return {"shape": list(t.shape), "data": [float(v) for v in t.to(torch.float32).flatten().tolist()]}


def make_fixtures():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = {}

    def write(file, config, tensors, metadata):
        save(tensors, OUT / file, metadata)
        cases[file] = {"config": config, "params": {k: floats(v) for k, v in sorted(tensors.items())}}

    models = [
        ("lstm.safetensors", dict(cell="lstm", input_size=3, hidden=5, layers=2, bidirectional=False, output_size=2), {"format": "pt"}),
        ("gru-bidirectional.safetensors", dict(cell="gru", input_size=3, hidden=5, layers=2, bidirectional=True, output_size=2), {"format": "pt"}),
        # No __metadata__ at all, as save_file writes without metadata.
        ("rnn-tanh.safetensors", dict(cell="rnn_tanh", input_size=4, hidden=7, layers=1, bidirectional=False, output_size=3), None),
    ]
    for seed, (file, config, metadata) in enumerate(models):
        torch.manual_seed(seed)
        write(file, config, Net(**config).state_dict(), metadata)

    # Other float dtypes, to be converted to float32: input weights F64 (not float32 values, so
    # rounding shows), recurrent weights F16 (layer 1 small enough to be subnormal), biases BF16.
    config = models[0][1]
    torch.manual_seed(7)
    mixed = {}
    for name, p in Net(**config).state_dict().items():
        if name.startswith("encoder.weight_ih"):
            mixed[name] = torch.randn(p.shape, dtype=torch.float64) / 3
        elif name.startswith("encoder.weight_hh"):
            mixed[name] = (p * (1e-5 if name.endswith("l1") else 1)).to(torch.float16)
        elif name.startswith("encoder.bias"):
            mixed[name] = p.to(torch.bfloat16)
        else:
            mixed[name] = p
    write("lstm-f64-f16-bf16.safetensors", config, mixed, {"format": "pt"})

    # An integer tensor where a parameter should be: refused, naming it and its dtype.
    torch.manual_seed(0)
    ints = Net(**config).state_dict()
    ints["head.bias"] = torch.tensor([1, 2], dtype=torch.int64)
    save(ints, OUT / "lstm-int-bias.safetensors", {"format": "pt"})

    (OUT / "expected.json").write_text(json.dumps(cases) + "\n")


def check(path):
    """Reads a file Timestep wrote and says what it found; builds and loads the model when it can."""
    tensors, metadata, order = load(path)
    data = pathlib.Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    # Written again by this script's save: the same bytes, if Timestep writes what save_file writes.
    again = pathlib.Path(path).with_suffix(".again")
    save(tensors, again, metadata)
    same = again.read_bytes() == data
    again.unlink()
    loaded = None
    model = json.loads(metadata["model"]) if metadata and "model" in metadata else None
    if model and model.get("kind") == "recurrent" and model.get("initialState") == "zeros":
        head = json.loads(metadata["head"])
        net = Net(model["cell"], model["inputSize"], model["hiddenSize"], model["numLayers"], model["bidirectional"], head["outputSize"])
        net.load_state_dict(tensors, strict=True)
        loaded = sorted(net.state_dict())
    print(json.dumps({
        "header_length": n,
        "metadata": metadata,
        "order": order,
        "rewritten_identical": same,
        "loaded_into_torch": loaded,
        "params": {k: dict(floats(v), dtype=NAMES[v.dtype]) for k, v in tensors.items()},
    }))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        check(sys.argv[1])
    else:
        make_fixtures()
