// PyTorch as the peer of the Node bench on a CUDA machine: one python3 process times every spec
// with CUDA events (TF32 off, so matmul is true fp32 like ours) and prints JSON. Missing python3,
// torch or CUDA makes the peer skip with a reason; the bench itself goes on. Node only.
//
// 'train': nn.LSTM / nn.GRU (batch_first, cuDNN) + nn.Linear on every step, MSE, backward,
// clip_grad_norm_ and Adam (fused), the same step as ours; N steps back to back between two CUDA
// events, the same span our submit-mode rows measure. 'minrnn-train': the same step for the minrnn
// rows, its encoder minGRU or minLSTM (PyTorch has no module for them: written out below as in
// test-data/torch/README.md, run as Feng et al.'s log-space parallel scan) or the nn.LSTM of
// equal parameter count. 'scan-ref': mamba_ssm's selective_scan_ref, the Python loop over time
// (not the CUDA kernel of mamba_ssm, which is not installed there), its forward under no_grad, or
// its backward alone through a retained autograd graph.
//
// The script also answers {"mode": "check", ...} on the CPU, without CUDA: the minGRU/minLSTM it
// times, run on a fixture's parameters and inputs (forward and gradients, or a whole training run),
// so that bench/peers/torch.test.ts can hold it to the PyTorch fixtures as it holds our kernels.

import { spawnSync } from 'node:child_process';
import { peerSpecKey, type BenchConfig, type Peer, type PeerResult, type PeerSpec } from '../suite';

/** The script python3 runs: a request (JSON) on stdin, one line of JSON on stdout. */
export const TORCH_SCRIPT = String.raw`
import json, math, sys

try:
    import torch
    F = torch.nn.functional
    IMPORT_ERROR = None
except Exception as error:
    torch = None
    IMPORT_ERROR = "cannot import torch: %s" % error

# ---- minGRU and minLSTM (Feng et al. 2024, "Were RNNs All We Needed?") --------------------------
# As test-data/torch/README.md defines them. One layer: gates = F.linear(x, weight_ih, bias_ih),
# blocks along the last axis minGRU (z, h~), minLSTM (f, i, h~), no recurrent weights; candidate c
# is g (g(v) = v + 0.5 for v >= 0, sigmoid(v) below) or the identity.
#   minGRU:  h_t = (1 - z_t) * h_{t-1} + z_t * c(h~_t)                     z = sigmoid(.)
#   minLSTM: h_t = f'_t * h_{t-1} + i'_t * c(h~_t), f' = f/(f+i), i' = i/(f+i), f, i = sigmoid(.)
# Both are h_t = a_t * h_{t-1} + b_t with 0 < a_t < 1, run as the paper's log-space parallel scan
# (its Appendix), every log factor taken from its logit: log z = -softplus(-k), log(1 - z) =
# -softplus(k); for minLSTM d = log(i/f) = softplus(-f) - softplus(-i), log f' = -softplus(d),
# log i' = -softplus(-d). In float32 the scan loses about |sum of log a| * 6e-8 relative
# (cancellation in a_star + logcumsumexp): some 1e-3 at T = 16384 where a_t is near 1/2.

def g(v):
    return torch.where(v >= 0, v + 0.5, torch.sigmoid(v))

def log_g(v):
    return torch.where(v >= 0, torch.log(F.relu(v) + 0.5), -F.softplus(-v))

def parallel_scan_log(log_coeffs, log_values):
    # log_coeffs (B, T, H): log a_1..T; log_values (B, T + 1, H): log h_0, log b_1..T -> h_1..T (B, T, H)
    a_star = F.pad(torch.cumsum(log_coeffs, dim=1), (0, 0, 1, 0))
    log_h0_plus_b_star = torch.logcumsumexp(log_values - a_star, dim=1)
    log_h = a_star + log_h0_plus_b_star
    return torch.exp(log_h)[:, 1:]

# log 0 for the absent part of a signed value (log_parts). Not -inf: where log_values is -inf for a
# whole prefix, logcumsumexp's backward is NaN there (torch 1.13); exp(LOG_ZERO + finite) is 0 anyway.
LOG_ZERO = -1e30

def log_parts(v):
    # log max(v, 0) and log max(-v, 0), LOG_ZERO where that part is 0; log never sees a value <= 0.
    pos, neg = v > 0, v < 0
    one, zero = torch.ones_like(v), torch.full_like(v, LOG_ZERO)
    return (torch.where(pos, torch.log(torch.where(pos, v, one)), zero),
            torch.where(neg, torch.log(torch.where(neg, -v, one)), zero))

def min_rnn_layer(cell, candidate, x, weight, bias, h0=None):
    # x (B, T, in), weight (G*H, in), bias (G*H), h0 (B, H) or None for zeros -> h_1..T (B, T, H)
    gates = F.linear(x, weight, bias)  # (B, T, G*H)
    if cell == "mingru":
        k, v = gates.chunk(2, dim=-1)
        log_coeffs = -F.softplus(k)   # log(1 - z)
        log_in = -F.softplus(-k)      # log z
    else:
        f, i, v = gates.chunk(3, dim=-1)
        d = F.softplus(-f) - F.softplus(-i)  # log(i / f)
        log_coeffs = -F.softplus(d)          # log f'
        log_in = -F.softplus(-d)             # log i'
    if candidate == "g" and h0 is None:
        # The paper's case and the bench's: every b_t > 0 and h_0 = 0, whose log (-inf) stands
        # alone at the head of log_values; logcumsumexp and its backward take that without NaN.
        log_h0 = torch.full_like(log_coeffs[:, :1], -math.inf)
        return parallel_scan_log(log_coeffs, torch.cat([log_h0, log_in + log_g(v)], dim=1))
    # Values of either sign (identity candidate, a given h_0): h is linear in (h_0, b) with positive
    # coefficients, so it is the scan of the positive parts minus the scan of the negative parts.
    c = g(v) if candidate == "g" else v
    if h0 is None:
        h0 = torch.zeros_like(log_coeffs[:, 0])
    c_pos, c_neg = log_parts(c)
    h0_pos, h0_neg = log_parts(h0.unsqueeze(1))
    positive = parallel_scan_log(log_coeffs, torch.cat([h0_pos, log_in + c_pos], dim=1))
    negative = parallel_scan_log(log_coeffs, torch.cat([h0_neg, log_in + c_neg], dim=1))
    return positive - negative

def min_rnn(cell, candidate, params, x, h0=None):
    # Stacked layers (params under the fixtures' names weight_ih_l{k}, bias_ih_l{k}); h0 (L, B, H)
    # or None -> y (B, T, H), h_n (L, B, H)
    y, last, k = x, [], 0
    while "weight_ih_l%d" % k in params:
        y = min_rnn_layer(cell, candidate, y, params["weight_ih_l%d" % k], params["bias_ih_l%d" % k], None if h0 is None else h0[k])
        last.append(y[:, -1])
        k += 1
    return y, torch.stack(last)

def min_rnn_regressor(cell, candidate, I, H, O, device, dtype=None):
    # One minGRU / minLSTM layer (I -> H, zero initial state) + Linear(H, O) on every step, PyTorch's
    # RNN initialisation U(-1/sqrt(H), 1/sqrt(H)). Returns forward(x), its named parameters.
    G = 2 if cell == "mingru" else 3
    bound = 1 / math.sqrt(H)
    weight = torch.nn.Parameter(torch.empty(G * H, I, device=device, dtype=dtype).uniform_(-bound, bound))
    bias = torch.nn.Parameter(torch.empty(G * H, device=device, dtype=dtype).uniform_(-bound, bound))
    head = torch.nn.Linear(H, O).to(device=device, dtype=dtype)
    named = {"encoder.weight_ih_l0": weight, "encoder.bias_ih_l0": bias, "head.weight": head.weight, "head.bias": head.bias}
    return (lambda x: head(min_rnn_layer(cell, candidate, x, weight, bias))), named

# ---- one training step, shared by every 'train' spec and the check ------------------------------

def adam(params, lr):
    # Fused where this torch and device have it, else foreach, else the plain loop.
    for options in ({"fused": True}, {"foreach": True}, {}):
        try:
            return torch.optim.Adam(params, lr=lr, **options)
        except Exception:
            pass

def clip_grad_norm(params, max_norm):
    try:
        return torch.nn.utils.clip_grad_norm_(params, max_norm, foreach=True)
    except TypeError:  # torch < 2.0 has no foreach here
        return torch.nn.utils.clip_grad_norm_(params, max_norm)

def train_step(forward, params, opt, x, y, clip):
    # MSE of forward(x) against y, backward, the global gradient norm clipped, Adam. Returns the
    # loss before the update and the norm before clipping (tensors: reading them would sync).
    with torch.enable_grad():
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(forward(x), y)
        loss.backward()
        norm = clip_grad_norm(params, clip) if clip > 0 else None
        opt.step()
    return loss, norm

# ---- {"mode": "check"}: the minGRU / minLSTM above on the CPU, on a fixture's values -------------

def check(request):
    dtypes = {"float32": torch.float32, "float64": torch.float64}
    asked = request.get("dtype", "float32")
    dtype = dtypes[asked]

    def tensor(t):
        return torch.tensor(t["data"], dtype=dtype).reshape(t["shape"])

    def flat(t):
        # NaN and inf as null (JSON has neither): the test sees a value that is not finite.
        return [v if math.isfinite(v) else None for v in t.detach().reshape(-1).tolist()]

    results = []
    for case in request["cases"]:
        # A case may ask for its own dtype; tensor() reads this one.
        dtype = dtypes[case.get("dtype", asked)]
        cell, candidate = case["cell"], case["candidate"]
        if case["kind"] == "forward":
            # y and h_n, and with cotangents the gradients of sum(y * cot.y) + sum(h_n * cot.h_n)
            params = {n: tensor(t).requires_grad_(True) for n, t in case["params"].items()}
            leaves = dict(params, x=tensor(case["x"]).requires_grad_(True))
            if case.get("h0"):
                leaves["h0"] = tensor(case["h0"]).requires_grad_(True)
            y, h_n = min_rnn(cell, candidate, params, leaves["x"], leaves.get("h0"))
            out = {"y": flat(y), "h_n": flat(h_n)}
            if case.get("cotangents"):
                cot = case["cotangents"]
                loss = (y * tensor(cot["y"])).sum() + (h_n * tensor(cot["h_n"])).sum()
                grads = torch.autograd.grad(loss, list(leaves.values()))
                out["grads"] = {n: flat(d) for n, d in zip(leaves, grads)}
            results.append(out)
        elif case["kind"] == "train":
            # A train_* run: the bench's model and step from the fixture's initial parameters.
            x, y = tensor(case["x"]), tensor(case["y"])
            I, H, O = x.shape[-1], case["hidden"], y.shape[-1]
            forward, named = min_rnn_regressor(cell, candidate, I, H, O, torch.device("cpu"), dtype)
            with torch.no_grad():
                for name, p in named.items():
                    p.copy_(tensor(case["params"][name]))
            params = list(named.values())
            opt = adam(params, case["lr"])
            losses, norms = [], []
            for _ in range(case["steps"]):
                loss, norm = train_step(forward, params, opt, x, y, case["clip"])
                losses.append(loss.item())
                norms.append(float(norm) if norm is not None else None)
            results.append({"losses": losses, "grad_norms": norms, "final_params": {n: flat(p) for n, p in named.items()}})
        else:
            raise ValueError("unknown check kind %s" % case["kind"])
    return {"detail": "PyTorch %s on the CPU, %s" % (torch.__version__, dtype), "results": results}

def main():
    request = json.load(sys.stdin)
    if IMPORT_ERROR:
        print(json.dumps({"error": IMPORT_ERROR}))
        return
    if request.get("mode") == "check":
        print(json.dumps(check(request)))
        return
    if not torch.cuda.is_available():
        print(json.dumps({"error": "torch %s sees no CUDA device" % torch.__version__}))
        return
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    cuda = torch.device("cuda")
    config = request["config"]
    gen = torch.Generator(device=cuda)
    gen.manual_seed(1234)

    def uniform(*shape):
        return torch.rand(*shape, generator=gen, device=cuda) * 2 - 1

    def selective_scan_ref(u, delta, A, B, C, D, z, delta_bias):
        # mamba_ssm.ops.selective_scan_interface.selective_scan_ref, real inputs, B and C varying in time.
        delta = F.softplus(delta + delta_bias[..., None])
        batch, dim, dstate = u.shape[0], A.shape[0], A.shape[1]
        deltaA = torch.exp(torch.einsum("bdl,dn->bdln", delta, A))
        deltaB_u = torch.einsum("bdl,bnl,bdl->bdln", delta, B, u)
        x = A.new_zeros((batch, dim, dstate))
        ys = []
        for i in range(u.shape[2]):
            x = deltaA[:, :, i] * x + deltaB_u[:, :, i]
            ys.append(torch.einsum("bdn,bn->bd", x, C[:, :, i]))
        y = torch.stack(ys, dim=2)
        out = y + u * D[..., None]
        return out * F.silu(z), x

    def make_train(spec):
        # 'train': nn.LSTM / nn.GRU; 'minrnn-train': minGRU / minLSTM (above) or nn.LSTM.
        B, T, I, H, O = spec["batch"], spec["seqLen"], spec["input"], spec["hidden"], spec["output"]
        model = spec["cell"] if spec["op"] == "train" else spec["model"]
        torch.manual_seed(7)
        if model in ("mingru", "minlstm"):
            forward, named = min_rnn_regressor(model, spec["candidate"], I, H, O, cuda)
            params = list(named.values())
        else:
            rnn = (torch.nn.LSTM if model == "lstm" else torch.nn.GRU)(I, H, batch_first=True).to(cuda)
            head = torch.nn.Linear(H, O).to(cuda)
            params = list(rnn.parameters()) + list(head.parameters())
            forward = lambda x: head(rnn(x)[0])
        opt = adam(params, spec["lr"])
        x = uniform(B, T, I)
        y = torch.zeros(B, T, O, device=cuda)
        y[:, 1:, :] = x[:, :-1, :O]
        return lambda: train_step(forward, params, opt, x, y, spec["clipNorm"])

    def make_scan(spec):
        b, L, E, N = spec["batch"], spec["seqLen"], spec["dInner"], spec["dState"]
        backward = spec["pass"] == "backward"
        def leaf(t):
            return t.requires_grad_(True) if backward else t
        u, delta, z = leaf(uniform(b, E, L)), leaf(uniform(b, E, L) * 1.5 - 0.5), leaf(uniform(b, E, L) * 3)
        A = leaf(-(uniform(E, N) * 0.95 + 1.05))
        Bm, Cm = leaf(uniform(b, N, L)), leaf(uniform(b, N, L))
        D, bias = leaf(uniform(E)), leaf(uniform(E) * 0.5)
        if not backward:
            def forward():
                with torch.no_grad():
                    selective_scan_ref(u, delta, A, Bm, Cm, D, z, bias)
            return forward
        with torch.enable_grad():
            out, last = selective_scan_ref(u, delta, A, Bm, Cm, D, z, bias)
        dy, dlast = uniform(*out.shape), uniform(*last.shape)
        return lambda: torch.autograd.backward([out, last], [dy, dlast], retain_graph=True)

    def make(spec):
        op = spec["op"]
        if op == "matmul":
            M, N, K = spec["M"], spec["N"], spec["K"]
            A = uniform(K, M).t() if spec["transA"] else uniform(M, K)
            B = uniform(N, K).t() if spec["transB"] else uniform(K, N)
            C = torch.empty(M, N, device=cuda)
            return lambda: torch.matmul(A, B, out=C)
        if op == "activation":
            x = uniform(spec["n"]) * 4
            y = torch.empty_like(x)
            f = {"tanh": torch.tanh, "sigmoid": torch.sigmoid}[spec["fn"]]
            return lambda: f(x, out=y)
        if op == "adam":
            p = torch.nn.Parameter(uniform(spec["n"]))
            p.grad = uniform(spec["n"])
            return adam([p], 1e-3).step
        if op in ("train", "minrnn-train"):
            return make_train(spec)
        if op == "scan-ref":
            return make_scan(spec)
        raise ValueError("unknown op %s" % op)

    def elapsed(fn, times):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(times):
            fn()
        end.record()
        end.synchronize()
        return start.elapsed_time(end)

    def measure(fn, spec):
        single = 0.0
        for _ in range(max(1, config["warmup"])):
            single = elapsed(fn, 1)
        # Training steps fill a span like our submit-mode rows; the rest a pass like our kernels.
        train = spec["op"] in ("train", "minrnn-train")
        target = config["targetSpanMs"] if train else config["targetPassMs"]
        batch = max(1, min(config["maxBatch"], math.ceil(target / single) if single > 0 else config["maxBatch"]))
        if train:
            batch = max(batch, config["minSpanIterations"])
        samples, spent = [], 0.0
        for r in range(config["reps"]):
            if r >= 3 and spent > config["caseBudgetMs"]:
                break
            ms = elapsed(fn, batch)
            spent += ms
            samples.append(ms / batch)
        samples.sort()
        mid = len(samples) // 2
        med = samples[mid] if len(samples) % 2 else (samples[mid - 1] + samples[mid]) / 2
        return {"ms": med, "batch": batch, "reps": len(samples)}

    results = []
    for spec in request["specs"]:
        try:
            results.append(measure(make(spec), spec))
        except Exception as error:
            results.append({"error": str(error)})
        torch.cuda.empty_cache()
    print(json.dumps({
        "detail": "PyTorch %s, CUDA %s, cuDNN %s, TF32 off, %s" % (torch.__version__, torch.version.cuda, torch.backends.cudnn.version(), torch.cuda.get_device_name(0)),
        "results": results,
    }))

main()
`;

/**
 * Runs TORCH_SCRIPT with `python` on `request` and returns its reply (the last line of stdout).
 * Throws when python3 is missing, dies, or prints no JSON.
 */
export function runTorchScript<Reply>(python: string, request: unknown, timeoutMs = 20 * 60_000): Reply {
  const run = spawnSync(python, ['-c', TORCH_SCRIPT], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: timeoutMs,
  });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${python} not found` : `${python} failed: ${run.error.message}`);
  }
  const last = run.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Reply;
  } catch {
    throw new Error(`${python} exited with ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  }
}

interface TorchReply {
  error?: string;
  detail?: string;
  results?: Array<{ ms?: number; error?: string }>;
}

export function torchPeer(python = process.env.PYTHON ?? 'python3'): Peer {
  const peer: Peer = {
    name: 'torch-cuda',
    async measure(specs: readonly PeerSpec[], config: BenchConfig, progress) {
      progress(`peer torch: timing ${specs.length} shapes with ${python} ...`);
      const reply = runTorchScript<TorchReply>(python, { specs, config });
      if (reply.error) throw new Error(reply.error);
      peer.detail = reply.detail;
      return (reply.results ?? []).map((r, i): PeerResult | null => {
        if (r.error) progress(`torch ${peerSpecKey(specs[i])} failed: ${r.error}`);
        else if (r.ms) progress(`torch ${peerSpecKey(specs[i])}: ${r.ms.toPrecision(4)} ms`);
        return r.ms && r.ms > 0 ? { name: peer.name, ms: r.ms, timing: 'cuda-events' } : null;
      });
    },
  };
  return peer;
}
