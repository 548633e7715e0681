#!/usr/bin/env python3
"""PyTorch reference fixtures for Timestep's kernels: writes test-data/torch/*.json.

Every file is one case in the format of test-data/torch/README.md: the inputs, parameters and
cotangents of a model, and what PyTorch computes from them in float64 (outputs and the gradients
of sum(output * cotangent)), or, for train_<model>, a whole short training run (losses, gradient
norms before clipping, final parameters). Inputs, parameters and cotangents are float32 values
(drawn in float32, then widened), so a float32 GPU holds them exactly; everything computed from
them is float64.

  nn.RNN (tanh), nn.LSTM, nn.GRU    PyTorch's own modules, batch_first, float64
  minGRU, minLSTM                   written out here step by step (Feng et al. 2024), autograd
  selective scan                    written out here after mamba_ssm's selective_scan_ref
                                    (mamba_ssm needs CUDA, so it is not imported or run here)
  Mamba block                       written out here after mamba_ssm.modules.mamba_simple.Mamba
                                    (use_fast_path=False), its state_dict names and initialisation

Run it with Debian's torch (CPU only is enough):

  /usr/bin/python3 scripts/make-torch-fixtures.py             rewrites every file of test-data/torch/
  /usr/bin/python3 scripts/make-torch-fixtures.py --out DIR   writes them to DIR instead
  /usr/bin/python3 scripts/make-torch-fixtures.py --verify DIR [DIR|FILE ...]
        recomputes every fixture file found there from its own inputs, parameters and cotangents
        with the functions below and prints, per file, the largest relative error against the
        values it holds (1e-12 or so when the maths agree); exits 1 above --tol (default 1e-9).
        Mamba files this script did not write are taken to come from mamba_ssm's own Mamba,
        whose float32 casts of A_log, D and dt_proj.bias are then copied (--mamba-casts).

Each case draws from torch.manual_seed(crc32 of its name), with one CPU thread, so a rerun on the
same machine and torch writes the same bytes (keys in a fixed order, floats as Python's repr).
The tests do not run this script; they only read what it wrote.
"""

import argparse
import json
import math
import pathlib
import sys
import zlib

import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)
F64 = torch.float64
OUT = pathlib.Path(__file__).resolve().parent.parent / "test-data" / "torch"
GENERATOR = f"PyTorch {torch.__version__}, float64 (scripts/make-torch-fixtures.py)"

# ---------------------------------------------------------------------------------------------
# Tensors in and out of the JSON format


def f32(t):
    """Rounded to the nearest float32 value, held as float64."""
    return t.detach().to(torch.float32).to(F64)


def randn(*shape, scale=1.0):
    return f32(torch.randn(*shape, dtype=torch.float32) * scale)


def rand(*shape, low=0.0, high=1.0):
    return f32(torch.rand(*shape, dtype=torch.float32) * (high - low) + low)


def to_json(t):
    t = t.detach().to(F64).contiguous()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def from_json(obj):
    return torch.tensor(obj["data"], dtype=F64).reshape(obj["shape"])


def group(tensors):
    return {k: to_json(v) for k, v in tensors.items()}


def load_group(obj):
    return {k: from_json(v) for k, v in (obj or {}).items()}


# ---------------------------------------------------------------------------------------------
# Models

CELLS = ("rnn_tanh", "lstm", "gru")
MIN_CELLS = ("mingru", "minlstm")


def recurrent_module(cell, input_size, hidden_size, num_layers=1, bidirectional=False):
    kw = dict(num_layers=num_layers, batch_first=True, bidirectional=bidirectional)
    if cell == "rnn_tanh":
        return nn.RNN(input_size, hidden_size, nonlinearity="tanh", **kw)
    if cell == "lstm":
        return nn.LSTM(input_size, hidden_size, **kw)
    if cell == "gru":
        return nn.GRU(input_size, hidden_size, **kw)
    raise ValueError(cell)


def candidate_fn(name):
    if name == "identity":
        return lambda v: v
    if name == "g":
        # Feng et al. 2024: g(v) = v + 0.5 for v >= 0, sigmoid(v) below (continuous at 0).
        return lambda v: torch.where(v >= 0, v + 0.5, torch.sigmoid(v))
    raise ValueError(f"candidate {name!r}")


class MinRNN(nn.Module):
    """minGRU / minLSTM in their sequential form. Layer k: weight_ih_l{k} [G*H, in], bias_ih_l{k} [G*H].

    minGRU  (G=2, blocks z, h~):    z = sigmoid(.), h = (1 - z) * h_prev + z * c(W_h x + b_h)
    minLSTM (G=3, blocks f, i, h~): h = f/(f+i) * h_prev + i/(f+i) * c(W_h x + b_h)
    """

    def __init__(self, cell, input_size, hidden_size, num_layers=1, candidate="g"):
        super().__init__()
        self.cell, self.hidden_size, self.num_layers, self.candidate = cell, hidden_size, num_layers, candidate
        G = 2 if cell == "mingru" else 3
        k = 1 / math.sqrt(hidden_size)
        for layer in range(num_layers):
            n_in = input_size if layer == 0 else hidden_size
            self.register_parameter(f"weight_ih_l{layer}", nn.Parameter(torch.empty(G * hidden_size, n_in).uniform_(-k, k)))
            self.register_parameter(f"bias_ih_l{layer}", nn.Parameter(torch.empty(G * hidden_size).uniform_(-k, k)))

    def forward(self, x, h0=None):
        B, T, _ = x.shape
        H = self.hidden_size
        c = candidate_fn(self.candidate)
        if h0 is None:
            h0 = x.new_zeros(self.num_layers, B, H)
        inp, last = x, []
        for layer in range(self.num_layers):
            pre = inp @ getattr(self, f"weight_ih_l{layer}").t() + getattr(self, f"bias_ih_l{layer}")
            h, ys = h0[layer], []
            for t in range(T):
                p = pre[:, t]
                if self.cell == "mingru":
                    z = torch.sigmoid(p[:, :H])
                    h = (1 - z) * h + z * c(p[:, H:])
                else:
                    f = torch.sigmoid(p[:, :H])
                    i = torch.sigmoid(p[:, H:2 * H])
                    s = f + i
                    h = f / s * h + i / s * c(p[:, 2 * H:])
                ys.append(h)
            inp = torch.stack(ys, 1)
            last.append(h)
        return inp, torch.stack(last, 0)


def selective_scan(u, delta, A, B, C, D, z, delta_bias, delta_softplus=True):
    """mamba_ssm's selective_scan_ref with input-dependent B and C, in the input dtype.

    u, delta, z [batch, d_inner, L]; A [d_inner, d_state]; B, C [batch, d_state, L];
    D, delta_bias [d_inner]. Returns y [batch, d_inner, L] and last_state [batch, d_inner, d_state].
    """
    delta = delta + delta_bias[..., None]
    if delta_softplus:
        delta = F.softplus(delta)
    batch, dim, L = u.shape
    state = u.new_zeros(batch, dim, A.shape[1])
    # exp(Δ A) [b, d, l, n] and Δ B u [b, d, l, n], as the reference's einsums.
    deltaA = torch.exp(delta[..., None] * A[None, :, None, :])
    deltaB_u = (delta * u)[..., None] * B.transpose(1, 2)[:, None, :, :]
    ys = []
    for i in range(L):
        state = deltaA[:, :, i] * state + deltaB_u[:, :, i]
        ys.append((state * C[:, None, :, i]).sum(-1))
    y = torch.stack(ys, dim=2)
    out = y + u * D[:, None]
    out = out * F.silu(z)
    return out, state


class _Exp32(torch.autograd.Function):
    """exp of a float32 tensor, correctly rounded to float32 (from float64); backward in float32."""

    @staticmethod
    def forward(ctx, a):
        r = torch.exp(a.to(F64)).to(torch.float32)
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, g):
        (r,) = ctx.saved_tensors
        return g * r


class Mamba(nn.Module):
    """mamba_ssm.modules.mamba_simple.Mamba (bias=False, conv_bias=True), its slow path.

    Same submodules, parameter names, state_dict order and initialisation: in_proj, a causal
    depthwise conv1d with bias, x_proj -> (dt, B, C), dt_proj (its bias is the scan's delta_bias),
    A = -exp(A_log), D skip, z gate through SiLU, out_proj.

    mamba_simple computes A = -exp(A_log.float()) and passes D.float() and dt_proj.bias.float() to
    the scan, so in a float64 model those three (and their gradients) are float32. The fixtures
    written here keep them float64 (float32_casts False). float32_casts True copies the casts, for
    --verify on files made with mamba_ssm itself (A's float32 exp taken correctly rounded).
    """

    float32_casts = False

    def __init__(self, d_model, d_state=16, d_conv=4, expand=2, dt_min=0.001, dt_max=0.1, dt_init_floor=1e-4, dt_scale=1.0):
        super().__init__()
        self.d_model, self.d_state, self.d_conv = d_model, d_state, d_conv
        self.d_inner = expand * d_model
        self.dt_rank = math.ceil(d_model / 16)
        E = self.d_inner
        self.in_proj = nn.Linear(d_model, 2 * E, bias=False)
        self.conv1d = nn.Conv1d(E, E, kernel_size=d_conv, groups=E, padding=d_conv - 1, bias=True)
        self.act = nn.SiLU()
        self.x_proj = nn.Linear(E, self.dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, E, bias=True)
        std = self.dt_rank ** -0.5 * dt_scale
        nn.init.uniform_(self.dt_proj.weight, -std, std)
        dt = torch.exp(torch.rand(E) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min)).clamp(min=dt_init_floor)
        with torch.no_grad():
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))  # softplus^-1(dt)
        A = torch.arange(1, d_state + 1, dtype=torch.float32).repeat(E, 1)
        self.A_log = nn.Parameter(torch.log(A))
        self.D = nn.Parameter(torch.ones(E))
        self.out_proj = nn.Linear(E, d_model, bias=False)

    def forward(self, hidden):
        """hidden [batch, L, d_model] -> [batch, L, d_model]."""
        batch, L, _ = hidden.shape
        xz = (hidden @ self.in_proj.weight.t()).transpose(1, 2)  # [b, 2E, L]
        if self.float32_casts:
            A = (-_Exp32.apply(self.A_log.float())).to(F64)
            D, delta_bias = self.D.float().to(F64), self.dt_proj.bias.float().to(F64)
        else:
            A, D, delta_bias = -torch.exp(self.A_log), self.D, self.dt_proj.bias
        x, z = xz.chunk(2, dim=1)
        x = self.act(self.conv1d(x)[..., :L])
        x_dbl = self.x_proj(x.transpose(1, 2).reshape(batch * L, self.d_inner))
        dt, Bm, Cm = torch.split(x_dbl, [self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt = (self.dt_proj.weight @ dt.t()).reshape(self.d_inner, batch, L).transpose(0, 1)  # [b, E, L]
        Bm = Bm.reshape(batch, L, self.d_state).transpose(1, 2)
        Cm = Cm.reshape(batch, L, self.d_state).transpose(1, 2)
        y, _ = selective_scan(x, dt, A, Bm, Cm, D, z, delta_bias, delta_softplus=True)
        return self.out_proj(y.transpose(1, 2))


class MambaEncoder(nn.Module):
    """embed = Linear(I, H), then one Mamba block; the output is the block's."""

    def __init__(self, input_size, d_model, d_state, d_conv, expand):
        super().__init__()
        self.embed = nn.Linear(input_size, d_model)
        self.mamba = Mamba(d_model, d_state=d_state, d_conv=d_conv, expand=expand)

    def forward(self, x):
        return self.mamba(self.embed(x))


class TrainModel(nn.Module):
    """encoder, then head = Linear on every step; zero initial state."""

    def __init__(self, encoder, features, output_size):
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(features, output_size)

    def forward(self, x):
        e = self.encoder(x)
        if isinstance(e, tuple):
            e = e[0]
        return self.head(e)


def set_params(module, params):
    """Copies `params` (state_dict names) into the module, which must have exactly those."""
    names = [n for n, _ in module.named_parameters()]
    if sorted(names) != sorted(params):
        raise ValueError(f"parameters {sorted(params)} do not make this model ({sorted(names)})")
    with torch.no_grad():
        for n, p in module.named_parameters():
            if tuple(p.shape) != tuple(params[n].shape):
                raise ValueError(f"{n}: shape {list(params[n].shape)}, the model's is {list(p.shape)}")
            p.copy_(params[n])
    return module


def state_dict_of(module):
    return {n: p.detach().clone() for n, p in module.named_parameters()}


# ---------------------------------------------------------------------------------------------
# What a case computes from its inputs, parameters and cotangents (generation and --verify)


def layers_in(params, prefix=""):
    return 1 + max(int(n[len(prefix) + len("weight_ih_l"):].split("_")[0]) for n in params if n.startswith(prefix + "weight_ih_l"))


def recurrent_model(cfg, params, prefix=""):
    cell = cfg["kind"].removeprefix("train_")
    bidir = bool(cfg.get("bidirectional")) or f"{prefix}weight_ih_l0_reverse" in params
    L = cfg.get("num_layers") or layers_in(params, prefix)
    return recurrent_module(cell, cfg["input_size"], cfg["hidden_size"], L, bidir).to(F64)


def min_model(cfg, params, prefix=""):
    cell = cfg["kind"].removeprefix("train_")
    L = cfg.get("num_layers") or layers_in(params, prefix)
    return MinRNN(cell, cfg["input_size"], cfg["hidden_size"], L, cfg.get("candidate", "g")).to(F64)


def grads_of(loss, named):
    gs = torch.autograd.grad(loss, [t for _, t in named])
    return {n: g for (n, _), g in zip(named, gs)}


def run_sequence_model(kind, cfg, inputs, params, cot):
    """rnn_tanh / lstm / gru / mingru / minlstm: outputs, grads and ‖∂L/∂x_t‖ (mean over the batch)."""
    model = set_params(recurrent_model(dict(cfg, kind=kind), params) if kind in CELLS else min_model(dict(cfg, kind=kind), params), params)
    x = inputs["x"].clone().requires_grad_()
    state = {k: inputs[k].clone().requires_grad_() for k in ("h0", "c0") if k in inputs}
    if kind == "lstm":
        y, (h_n, c_n) = model(x, (state["h0"], state["c0"]))
        outputs = {"y": y, "h_n": h_n, "c_n": c_n}
    else:
        y, h_n = model(x, state.get("h0"))
        outputs = {"y": y, "h_n": h_n}
    loss = sum((outputs[k] * cot[k]).sum() for k in outputs)
    grads = grads_of(loss, [("x", x), *state.items(), *model.named_parameters()])
    norm_per_step = grads["x"].norm(dim=2).mean(dim=0)
    return outputs, grads, [float(v) for v in norm_per_step.tolist()]


def run_scan(cfg, inputs, cot):
    leaves = {k: inputs[k].clone().requires_grad_() for k in ("u", "delta", "A", "B", "C", "D", "z", "delta_bias")}
    y, last = selective_scan(**leaves, delta_softplus=cfg.get("delta_softplus", True))
    outputs = {"y": y, "last_state": last}
    loss = sum((outputs[k] * cot[k]).sum() for k in outputs)
    return outputs, grads_of(loss, list(leaves.items()))


def mamba_from_params(params, prefix=""):
    """A Mamba block (float64) whose sizes are read off the parameters' shapes."""
    E, N = params[prefix + "A_log"].shape
    M = params[prefix + "in_proj.weight"].shape[1]
    K = params[prefix + "conv1d.weight"].shape[2]
    block = Mamba(M, d_state=N, d_conv=K, expand=E // M)
    if block.dt_rank != params[prefix + "dt_proj.weight"].shape[1]:
        raise ValueError(f"dt_rank {params[prefix + 'dt_proj.weight'].shape[1]}, ceil(d_model/16) is {block.dt_rank}")
    return block.to(F64)


def run_mamba_block(inputs, params, cot):
    block = set_params(mamba_from_params(params), params)
    x = inputs["x"].clone().requires_grad_()
    y = block(x)
    outputs = {"y": y}
    return outputs, grads_of((y * cot["y"]).sum(), [("x", x), *block.named_parameters()])


def train_model(kind, cfg, params):
    """The train_<model> network, float64, holding `params` (names with encoder. / head.)."""
    model_kind = kind.removeprefix("train_")
    enc = {n[len("encoder."):]: p for n, p in params.items() if n.startswith("encoder.")}
    if model_kind in CELLS:
        encoder = recurrent_model(dict(cfg, kind=kind), enc)
        features = encoder.hidden_size * (2 if encoder.bidirectional else 1)
    elif model_kind in MIN_CELLS:
        encoder = min_model(dict(cfg, kind=kind), enc)
        features = encoder.hidden_size
    elif model_kind == "mamba":
        block = mamba_from_params(enc, "mamba.")
        encoder = MambaEncoder(cfg["input_size"], block.d_model, block.d_state, block.d_conv, block.d_inner // block.d_model)
        features = block.d_model
    else:
        raise ValueError(kind)
    return set_params(TrainModel(encoder, features, cfg["output_size"]).to(F64), params)


def run_training(kind, cfg, inputs, params):
    """MSE (mean) of head(encoder(x)) vs y; clip_grad_norm_(1.0); Adam lr 0.01 — config.steps updates."""
    model = train_model(kind, cfg, params)
    opt = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    losses, norms = [], []
    for _ in range(cfg["steps"]):
        opt.zero_grad()
        loss = F.mse_loss(model(inputs["x"]), inputs["y"])
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.item()))
        norms.append(float(norm.item()))
    return losses, norms, state_dict_of(model)


def compute(kind, cfg, inputs, params, cot):
    """Every computed key of a case, as JSON-ready values."""
    if kind in CELLS or kind in MIN_CELLS:
        outputs, grads, norms = run_sequence_model(kind, cfg, inputs, params, cot)
        return {"outputs": group(outputs), "grads": group(grads), "grad_x_norm_per_step": norms}
    if kind == "selective_scan":
        outputs, grads = run_scan(cfg, inputs, cot)
        return {"outputs": group(outputs), "grads": group(grads)}
    if kind == "mamba_block":
        outputs, grads = run_mamba_block(inputs, params, cot)
        return {"outputs": group(outputs), "grads": group(grads)}
    if kind.startswith("train_"):
        losses, norms, final = run_training(kind, cfg, inputs, params)
        return {"losses": losses, "grad_norms_before_clip": norms, "final_params": group(final)}
    raise ValueError(f"unknown kind {kind!r}")


# ---------------------------------------------------------------------------------------------
# The cases

ADAM = "Adam lr=0.01 betas=(0.9,0.999) eps=1e-8 weight_decay=0"
CLIP = "global L2 norm of all gradients clipped to 1.0 before each step (torch.nn.utils.clip_grad_norm_)"
TRAIN_LOSS = "MSE mean over all elements of head(encoder(x)) vs y"
MIN_EQUATIONS = {
    "mingru": "mingru (Feng et al. 2024, sequential form): z = sigmoid(W_z x + b_z); h = (1 - z) * h_prev + z * c(W_h x + b_h)",
    "minlstm": "minlstm (Feng et al. 2024, sequential form): f = sigmoid(W_f x + b_f); i = sigmoid(W_i x + b_i); h = f/(f+i) * h_prev + i/(f+i) * c(W_h x + b_h)",
}
CANDIDATE_TEXT = {"g": "c = g(v) = v + 0.5 if v >= 0 else sigmoid(v)", "identity": "c = identity"}
MIN_LAYOUT = {
    "mingru": "weight_ih_l{k}: [G*H, in], bias_ih_l{k}: [G*H]; gate blocks (z, h~), G=2",
    "minlstm": "weight_ih_l{k}: [G*H, in], bias_ih_l{k}: [G*H]; gate blocks (f, i, h~), G=3",
}
SCAN_LAYOUT = ("u, delta, z: [batch, d_inner, seq_len]; A: [d_inner, d_state]; B, C: [batch, d_state, seq_len]; "
               "D, delta_bias: [d_inner]; last_state: [batch, d_inner, d_state]")
SCAN_REFERENCE = ("written out after mamba_ssm selective_scan_ref (float64, not run against it: mamba_ssm needs CUDA); "
                  "check the maths with --verify on fixtures that were")
BLOCK_REFERENCE = ("written out after mamba_ssm.modules.mamba_simple.Mamba (use_fast_path=False) with selective_scan_ref, "
                   "float64 (not run against it: mamba_ssm needs CUDA)")

# name: (kind, sizes)
RECURRENT = {
    "rnn_tanh_small": ("rnn_tanh", dict(batch=2, seq_len=6, input_size=3, hidden_size=5, num_layers=1)),
    "rnn_tanh_long": ("rnn_tanh", dict(batch=1, seq_len=64, input_size=2, hidden_size=8, num_layers=1)),
    "rnn_tanh_3layer": ("rnn_tanh", dict(batch=2, seq_len=5, input_size=3, hidden_size=4, num_layers=3)),
    "rnn_tanh_bidir": ("rnn_tanh", dict(batch=2, seq_len=6, input_size=3, hidden_size=4, num_layers=1, bidirectional=True)),
    "lstm_small": ("lstm", dict(batch=3, seq_len=7, input_size=4, hidden_size=5, num_layers=1)),
    "lstm_2layer": ("lstm", dict(batch=2, seq_len=5, input_size=3, hidden_size=4, num_layers=2)),
    "lstm_3layer": ("lstm", dict(batch=2, seq_len=5, input_size=3, hidden_size=4, num_layers=3)),
    "lstm_long": ("lstm", dict(batch=1, seq_len=64, input_size=2, hidden_size=8, num_layers=1)),
    "lstm_bidir": ("lstm", dict(batch=3, seq_len=7, input_size=4, hidden_size=5, num_layers=1, bidirectional=True)),
    "lstm_bidir_2layer": ("lstm", dict(batch=2, seq_len=5, input_size=3, hidden_size=4, num_layers=2, bidirectional=True)),
    "gru_small": ("gru", dict(batch=3, seq_len=7, input_size=4, hidden_size=5, num_layers=1)),
    "gru_2layer": ("gru", dict(batch=2, seq_len=5, input_size=3, hidden_size=4, num_layers=2)),
    "gru_3layer": ("gru", dict(batch=2, seq_len=5, input_size=3, hidden_size=4, num_layers=3)),
    "gru_bidir_2layer": ("gru", dict(batch=2, seq_len=5, input_size=3, hidden_size=4, num_layers=2, bidirectional=True)),
    "gru_bidir_3layer": ("gru", dict(batch=2, seq_len=4, input_size=3, hidden_size=3, num_layers=3, bidirectional=True)),
}
MINRNN = {
    "mingru_small": ("mingru", dict(batch=3, seq_len=7, input_size=4, hidden_size=5, num_layers=1), "g"),
    "mingru_2layer_linear": ("mingru", dict(batch=2, seq_len=9, input_size=3, hidden_size=4, num_layers=2), "identity"),
    "mingru_3layer": ("mingru", dict(batch=2, seq_len=6, input_size=3, hidden_size=4, num_layers=3), "g"),
    "mingru_long": ("mingru", dict(batch=1, seq_len=300, input_size=2, hidden_size=8, num_layers=1), "g"),
    "minlstm_small": ("minlstm", dict(batch=3, seq_len=7, input_size=4, hidden_size=5, num_layers=1), "g"),
    "minlstm_2layer_linear": ("minlstm", dict(batch=2, seq_len=9, input_size=3, hidden_size=4, num_layers=2), "identity"),
    "minlstm_3layer": ("minlstm", dict(batch=2, seq_len=6, input_size=3, hidden_size=4, num_layers=3), "g"),
}
SCANS = {
    "selective_scan_small": dict(batch=2, d_inner=4, d_state=3, seq_len=7),
    "selective_scan_long": dict(batch=1, d_inner=3, d_state=4, seq_len=256),
}
BLOCKS = {"mamba_block_small": dict(batch=2, seq_len=9, d_model=4, d_state=4, d_conv=4, expand=2)}
TRAIN_SIZES = dict(batch=4, seq_len=24, input_size=2, hidden_size=6, output_size=1, steps=15)
TRAIN = {f"train_{m}": (m, {}) for m in ("rnn_tanh", "lstm", "gru", "mingru", "minlstm", "mamba")}
TRAIN["train_gru_bidir_2layer"] = ("gru", dict(num_layers=2, bidirectional=True))
TRAIN_MAMBA = dict(d_state=4, d_conv=4, expand=2)


def seed_of(name):
    return zlib.crc32(name.encode("utf-8"))


def recurrent_case(name, kind, sizes):
    torch.manual_seed(seed_of(name))
    B, T, I, H, L = (sizes[k] for k in ("batch", "seq_len", "input_size", "hidden_size", "num_layers"))
    bidir = sizes.get("bidirectional", False)
    D = 2 if bidir else 1
    module = recurrent_module(kind, I, H, L, bidir)  # PyTorch's U(-1/sqrt(H), 1/sqrt(H)), in float32
    params = {n: f32(p) for n, p in module.named_parameters()}
    inputs = {"x": randn(B, T, I), "h0": randn(L * D, B, H, scale=0.5)}
    if kind == "lstm":
        inputs["c0"] = randn(L * D, B, H, scale=0.5)
    outs = ("y", "h_n", "c_n") if kind == "lstm" else ("y", "h_n")
    cot = {"y": randn(B, T, D * H)}
    for k in outs[1:]:
        cot[k] = randn(L * D, B, H)
    config = dict(batch=B, seq_len=T, input_size=I, hidden_size=H, num_layers=L, batch_first=True, bidirectional=bidir)
    return config, " + ".join(f"sum({k}*cot.{k})" for k in outs), inputs, params, cot


def minrnn_case(name, kind, sizes, candidate):
    torch.manual_seed(seed_of(name))
    B, T, I, H, L = (sizes[k] for k in ("batch", "seq_len", "input_size", "hidden_size", "num_layers"))
    G = 2 if kind == "mingru" else 3
    params = {}
    for layer in range(L):
        # Wider than the training initialisation, so the pre-activations reach both branches of g.
        params[f"weight_ih_l{layer}"] = rand(G * H, I if layer == 0 else H, low=-0.8, high=0.8)
        params[f"bias_ih_l{layer}"] = rand(G * H, low=-0.8, high=0.8)
    inputs = {"x": randn(B, T, I), "h0": randn(L, B, H, scale=0.5)}
    cot = {"y": randn(B, T, H), "h_n": randn(L, B, H)}
    config = dict(sizes, batch_first=True, candidate=candidate,
                  model=f"{MIN_EQUATIONS[kind]}; {CANDIDATE_TEXT[candidate]}", layout=MIN_LAYOUT[kind])
    return config, "sum(y*cot.y) + sum(h_n*cot.h_n)", inputs, params, cot


def scan_case(name, sizes):
    torch.manual_seed(seed_of(name))
    b, E, N, L = (sizes[k] for k in ("batch", "d_inner", "d_state", "seq_len"))
    inputs = {
        "u": randn(b, E, L),
        "delta": randn(b, E, L, scale=0.5),
        "A": rand(E, N, low=-1.5, high=-0.25),
        "B": randn(b, N, L),
        "C": randn(b, N, L),
        "D": randn(E, scale=0.6),
        "z": randn(b, E, L),
        "delta_bias": randn(E, scale=0.2),
    }
    cot = {"y": randn(b, E, L), "last_state": randn(b, E, N)}
    config = dict(sizes, delta_softplus=True, layout=SCAN_LAYOUT)
    return config, "sum(y*cot.y) + sum(last_state*cot.last_state)", inputs, {}, cot


def block_case(name, sizes):
    torch.manual_seed(seed_of(name))
    M = sizes["d_model"]
    block = Mamba(M, d_state=sizes["d_state"], d_conv=sizes["d_conv"], expand=sizes["expand"])
    params = {n: f32(p) for n, p in block.named_parameters()}
    # Away from the initial A_log = log(1..N), D = 1, so that no two channels are alike.
    params["A_log"] = f32(params["A_log"] + torch.randn(params["A_log"].shape) * 0.2)
    params["D"] = f32(params["D"] + torch.randn(params["D"].shape) * 0.1)
    inputs = {"x": randn(sizes["batch"], sizes["seq_len"], M)}
    cot = {"y": randn(sizes["batch"], sizes["seq_len"], M)}
    config = dict(sizes, d_inner=block.d_inner, dt_rank=block.dt_rank, bias=False, conv_bias=True,
                  layout="x, y: [batch, seq_len, d_model]; parameter names and shapes are mamba_ssm Mamba's state_dict")
    return config, "sum(y*cot.y)", inputs, params, cot


def train_data(B, T, I, O):
    """x_t = (sin θ_t, cos θ_t, ...) with θ_t = phase + ω t per sequence; y_t = sin θ_{t+1}: the next step."""
    phase = torch.rand(B, dtype=torch.float64) * 2 * math.pi
    omega = torch.rand(B, dtype=torch.float64) * 0.4 + 0.2
    x, y = [], []
    for b in range(B):
        theta = [phase[b].item() + omega[b].item() * t for t in range(T + 1)]
        x.append([[(math.sin if i % 2 == 0 else math.cos)(theta[t] * (1 + i // 2)) for i in range(I)] for t in range(T)])
        y.append([[math.sin(theta[t + 1] * (1 + o)) for o in range(O)] for t in range(T)])
    return f32(torch.tensor(x, dtype=F64)), f32(torch.tensor(y, dtype=F64))


def train_case(name, model_kind, num_layers=1, bidirectional=False):
    torch.manual_seed(seed_of(name))
    B, T, I, H, O = (TRAIN_SIZES[k] for k in ("batch", "seq_len", "input_size", "hidden_size", "output_size"))
    config = dict(TRAIN_SIZES)
    features = H
    if model_kind in CELLS:
        encoder = recurrent_module(model_kind, I, H, num_layers, bidirectional)
        torch_name = {"rnn_tanh": "RNN", "lstm": "LSTM", "gru": "GRU"}[model_kind]
        if num_layers == 1 and not bidirectional:
            config["model"] = f"encoder = torch.nn.{torch_name}(I, H, batch_first=True); head = Linear(H, O) on every step"
        else:
            features = H * (2 if bidirectional else 1)
            config.update(num_layers=num_layers, bidirectional=bidirectional)
            config["model"] = (f"encoder = torch.nn.{torch_name}(I, H, num_layers={num_layers}, batch_first=True, "
                               f"bidirectional={bidirectional}); head = Linear({'2*H' if bidirectional else 'H'}, O) on every step")
    elif model_kind in MIN_CELLS:
        encoder = MinRNN(model_kind, I, H, 1, "g")
        config["candidate"] = "g"
        config["model"] = (f"encoder = one {model_kind} layer (I -> H), {MIN_EQUATIONS[model_kind]}; "
                           f"{CANDIDATE_TEXT['g']}; head = Linear(H, O) on every step")
    else:
        encoder = MambaEncoder(I, H, **TRAIN_MAMBA)
        config["model"] = (f"encoder.embed = Linear(I, H); encoder.mamba = Mamba(d_model=H, d_state={TRAIN_MAMBA['d_state']}, "
                           f"d_conv={TRAIN_MAMBA['d_conv']}, expand={TRAIN_MAMBA['expand']}); head = Linear(H, O) on every step")
    model = TrainModel(encoder, features, O)
    params = {n: f32(p) for n, p in model.named_parameters()}
    x, y = train_data(B, T, I, O)
    config.update(optimizer=ADAM, clip=CLIP, loss=TRAIN_LOSS, h0="zeros")
    return config, {"x": x, "y": y}, params


def all_cases():
    """(name, kind, config, loss, inputs, params, cotangents) of every case, in file order."""
    for name, (kind, sizes) in RECURRENT.items():
        yield (name, kind, *recurrent_case(name, kind, sizes))
    for name, (kind, sizes, candidate) in MINRNN.items():
        yield (name, kind, *minrnn_case(name, kind, sizes, candidate))
    for name, sizes in SCANS.items():
        yield (name, "selective_scan", *scan_case(name, sizes))
    for name, sizes in BLOCKS.items():
        yield (name, "mamba_block", *block_case(name, sizes))
    for name, (model_kind, extra) in TRAIN.items():
        config, inputs, params = train_case(name, model_kind, **extra)
        yield name, "train_" + model_kind, config, None, inputs, params, {}


def document(name, kind, config, loss, inputs, params, cot):
    doc = {"name": name, "kind": kind, "generator": GENERATOR, "config": config}
    if loss is not None:
        doc["loss"] = loss
    if kind == "selective_scan":
        doc["reference"] = SCAN_REFERENCE
    if kind == "mamba_block":
        doc["reference"] = BLOCK_REFERENCE
    doc["inputs"] = group(inputs)
    if kind != "selective_scan":
        doc["params"] = group(params)
    if cot:
        doc["cotangents"] = group(cot)
    doc.update(compute(kind, config, inputs, params, cot))
    return doc


def dumps(doc):
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=True, allow_nan=False) + "\n"


def write_all(out):
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for case in all_cases():
        text = dumps(document(*case))
        (out / f"{case[0]}.json").write_text(text, encoding="utf-8")
        total += len(text)
        print(f"{case[0]}.json {len(text)} bytes")
    print(f"{total} bytes in {out}")


# ---------------------------------------------------------------------------------------------
# --verify: recompute stored fixtures (these or anyone's) and compare


def rel_err(got, want):
    """max|a - b| / max(max|b|, 1e-6), the README's measure."""
    got, want = torch.as_tensor(got, dtype=F64), torch.as_tensor(want, dtype=F64)
    if got.shape != want.shape:
        return math.inf
    if want.numel() == 0:
        return 0.0
    return float((got - want).abs().max() / max(float(want.abs().max()), 1e-6))


def made_here(doc):
    return "make-torch-fixtures.py" in str(doc.get("generator", ""))


def verify_file(path, mamba_casts="auto"):
    """Largest relative error of any computed tensor or list, and where."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    kind, cfg = doc["kind"], doc["config"]
    inputs, params, cot = load_group(doc.get("inputs")), load_group(doc.get("params")), load_group(doc.get("cotangents"))
    # Files of mamba_ssm's own Mamba carry its float32 casts; this script's do not.
    Mamba.float32_casts = (not made_here(doc)) if mamba_casts == "auto" else mamba_casts == "on"
    try:
        got = compute(kind, cfg, inputs, params, cot)
    finally:
        Mamba.float32_casts = False
    errs = []
    for key in ("outputs", "grads", "final_params"):
        if key in got and set(got[key]) != set(doc.get(key) or {}):
            errs.append((math.inf, f"{key}: {sorted(doc.get(key) or {})}, computed {sorted(got[key])}"))
        for n, t in (doc.get(key) or {}).items():
            errs.append((rel_err(from_json(got[key][n]) if n in got.get(key, {}) else torch.empty(0), from_json(t)), f"{key}.{n}"))
    for key in ("losses", "grad_norms_before_clip", "grad_x_norm_per_step"):
        if key in doc:
            errs.append((max(rel_err([a], [b]) for a, b in zip(got[key], doc[key])) if len(got[key]) == len(doc[key]) else math.inf, key))
    return max(errs)


def verify(paths, tol, mamba_casts="auto"):
    files = []
    for p in map(pathlib.Path, paths):
        files += sorted(p.rglob("*.json")) if p.is_dir() else [p]
    worst = 0.0
    for f in files:
        err, where = verify_file(f, mamba_casts)
        worst = max(worst, err)
        print(f"{'ok  ' if err <= tol else 'DIFF'} {f}  max rel err {err:.2e} ({where})")
    print(f"{len(files)} files, worst {worst:.2e}")
    return 0 if files and worst <= tol else 1


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=pathlib.Path, default=OUT, help="folder to write (default test-data/torch)")
    ap.add_argument("--verify", nargs="+", metavar="PATH", help="recompute these fixture files or folders and compare")
    ap.add_argument("--tol", type=float, default=1e-9, help="--verify: largest relative error accepted")
    ap.add_argument("--mamba-casts", choices=("auto", "on", "off"), default="auto",
                    help="--verify: copy mamba_simple's float32 casts of A_log, D, dt_proj.bias "
                         "(auto: for files this script did not write)")
    args = ap.parse_args(argv)
    if args.verify:
        return verify(args.verify, args.tol, args.mamba_casts)
    write_all(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
