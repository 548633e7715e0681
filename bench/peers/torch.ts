// PyTorch as the peer of the Node bench on a CUDA machine: one python3 process times every spec
// with CUDA events (TF32 off, so matmul is true fp32 like ours) and prints JSON. Missing python3,
// torch or CUDA makes the peer skip with a reason; the bench itself goes on. Node only.
//
// 'train': nn.LSTM / nn.GRU (batch_first, cuDNN) + nn.Linear on every step, MSE, backward,
// clip_grad_norm_ and Adam (fused), the same step as ours; N steps back to back between two CUDA
// events, the same span our submit-mode rows measure. 'scan-ref': mamba_ssm's selective_scan_ref,
// the Python loop over time (not the CUDA kernel of mamba_ssm, which is not installed there), its
// forward under no_grad, or its backward alone through a retained autograd graph.

import { spawnSync } from 'node:child_process';
import { peerSpecKey, type BenchConfig, type Peer, type PeerResult, type PeerSpec } from '../suite';

const TORCH_SCRIPT = String.raw`
import json, math, sys

def main():
    request = json.load(sys.stdin)
    try:
        import torch
    except Exception as error:
        print(json.dumps({"error": "cannot import torch: %s" % error}))
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

    F = torch.nn.functional

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
        B, T, I, H, O = spec["batch"], spec["seqLen"], spec["input"], spec["hidden"], spec["output"]
        torch.manual_seed(7)
        rnn = (torch.nn.LSTM if spec["cell"] == "lstm" else torch.nn.GRU)(I, H, batch_first=True).to(cuda)
        head = torch.nn.Linear(H, O).to(cuda)
        params = list(rnn.parameters()) + list(head.parameters())
        try:
            opt = torch.optim.Adam(params, lr=spec["lr"], fused=True)
        except Exception:
            opt = torch.optim.Adam(params, lr=spec["lr"], foreach=True)
        x = uniform(B, T, I)
        y = torch.zeros(B, T, O, device=cuda)
        y[:, 1:, :] = x[:, :-1, :O]
        clip = spec["clipNorm"]

        def step():
            with torch.enable_grad():
                opt.zero_grad(set_to_none=True)
                out, _ = rnn(x)
                loss = F.mse_loss(head(out), y)
                loss.backward()
                if clip > 0:
                    torch.nn.utils.clip_grad_norm_(params, clip, foreach=True)
                opt.step()
        return step

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
            try:
                opt = torch.optim.Adam([p], lr=1e-3, fused=True)
            except Exception:
                opt = torch.optim.Adam([p], lr=1e-3, foreach=True)
            return opt.step
        if op == "train":
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
        train = spec["op"] == "train"
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
      const run = spawnSync(python, ['-c', TORCH_SCRIPT], {
        input: JSON.stringify({ specs, config }),
        encoding: 'utf8',
        maxBuffer: 16 << 20,
        timeout: 20 * 60_000,
      });
      if (run.error) {
        const code = (run.error as NodeJS.ErrnoException).code;
        throw new Error(code === 'ENOENT' ? `${python} not found` : `${python} failed: ${run.error.message}`);
      }
      const last = run.stdout.trim().split('\n').pop() ?? '';
      let reply: TorchReply;
      try {
        reply = JSON.parse(last) as TorchReply;
      } catch {
        throw new Error(`${python} exited with ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`);
      }
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
