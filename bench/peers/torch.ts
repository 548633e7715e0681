// PyTorch as the peer of the Node bench on a CUDA machine: one python3 process times every spec
// with CUDA events (TF32 off, so matmul is true fp32 like ours) and prints JSON. Missing python3,
// torch or CUDA makes the peer skip with a reason; the bench itself goes on. Node only.

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

    def measure(fn):
        single = 0.0
        for _ in range(max(1, config["warmup"])):
            single = elapsed(fn, 1)
        batch = max(1, min(config["maxBatch"], math.ceil(config["targetPassMs"] / single) if single > 0 else config["maxBatch"]))
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
    with torch.no_grad():
        for spec in request["specs"]:
            try:
                results.append(measure(make(spec)))
            except Exception as error:
                results.append({"error": str(error)})
            torch.cuda.empty_cache()
    print(json.dumps({
        "detail": "PyTorch %s, CUDA %s, TF32 off, %s" % (torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0)),
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
