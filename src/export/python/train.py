"""Evaluate or keep training a model exported from Timestep, in PyTorch.

    python3 train.py --evaluate          the validation loss of weights.safetensors (the page's, to 1e-4)
    python3 train.py --steps 200         train 200 windows, then write weights.safetensors
                                         (and optimizer.safetensors)
    torchrun --nproc_per_node=4 train.py --steps 200    the same with DistributedDataParallel

The settings are the page's (config.json): the optimizer with PyTorch's semantics (Adam's L2
weight decay, SGD's momentum buffer starting at the first gradient) and its state as the page had
it (optimizer.safetensors: Adam's moments and step count, SGD's momentum buffer), the global gradient norm
clipped as torch.nn.utils.clip_grad_norm_ clips it, a step with a NaN or infinite gradient skipped,
truncated BPTT (each window in chunks of `tbptt` steps, the state carried over detached, one
optimizer step per chunk), windows drawn at random from the training split. Validation runs the
page's validation batch: the same windows in the same order (the first chunk of each under
truncated BPTT, from a zero state). Under torchrun each process takes an equal share of every
batch (gloo on CPU, nccl on GPUs) and DDP averages the gradients, so the step is the same
whatever the number of processes when it divides the batch.
"""
import argparse
import json
import math
import os

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from _st import load_file, save_file
from model import build_model

HERE = os.path.dirname(os.path.abspath(__file__))


class Samples:
    """The run's windows (data.safetensors), as batches x [B, T, input], y like the page's targets."""

    def __init__(self, tensors, data):
        self.kind = data["kind"]
        self.t = tensors
        self.seq_len = data["seq_len"]
        self.target_offset = data.get("target_offset", 1)
        self.vocab_size = data.get("vocab_size")
        self.count = {"train": data["train_count"], "val": data["val_count"]}

    def batch(self, split, index):
        t = torch.arange(self.seq_len)
        if self.kind == "windows":
            rows = self.t[f"{split}_starts"].long()[index][:, None] + t  # [B, T]
            table = self.t["table"]
            return table[rows][:, :, self.t["input_cols"].long()], table[rows + self.target_offset][:, :, self.t["target_cols"].long()]
        if self.kind == "tokens":
            pos = self.t[f"{split}_starts"].long()[index][:, None] + t
            ids = self.t["ids"].long()
            return F.one_hot(ids[pos], self.vocab_size).float(), ids[pos + 1]
        return self.t[f"{split}_x"][index], self.t[f"{split}_y"][index]

    def validation(self):
        """The page's validation batch, or None when the run has no validation split."""
        return self.batch("val", self.t["val_batch"].long()) if "val_batch" in self.t else None


def loss_of(kind, pred, y):
    """Mean squared error over every value, or cross-entropy over the targets that are not -1."""
    if kind == "mse":
        return F.mse_loss(pred, y)
    return F.cross_entropy(pred.reshape(-1, pred.shape[-1]), y.reshape(-1).long(), ignore_index=-1)


def detach(state):
    if state is None:
        return None
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def make_optimizer(params, o):
    if o["kind"] == "adam":
        return torch.optim.Adam(params, lr=o["lr"], betas=(o["beta1"], o["beta2"]), eps=o["eps"], weight_decay=o["weightDecay"])
    return torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], dampening=o["dampening"], weight_decay=o["weightDecay"], nesterov=o["nesterov"])


def load_optimizer_state(optimizer, model, path):
    """Puts the page's optimizer state (optimizer.safetensors) into a torch.optim optimizer.

    The file holds `exp_avg.<name>`, `exp_avg_sq.<name>` (Adam) or `momentum_buffer.<name>` (SGD)
    per parameter and the step count in its metadata: the page's update is torch's (see
    shaders/optim.wgsl), so with this state the next step is the one the page would take.
    Returns the step count, or None when the file is absent or the page had taken no step.
    """
    if not os.path.exists(path):
        return None
    tensors, meta = load_file(path)
    steps = int(meta.get("step", "0"))
    if steps == 0:
        return None
    kind = "adam" if isinstance(optimizer, torch.optim.Adam) else "sgd"
    if meta.get("kind") != kind:
        raise SystemExit(f"{path}: the state of a {meta.get('kind')} optimizer, but config.json trains with {kind}")
    names = ("exp_avg", "exp_avg_sq") if kind == "adam" else ("momentum_buffer",)
    for name, p in model.named_parameters():
        state = {}
        for s in names:
            key = f"{s}.{name}"
            if key not in tensors or tuple(tensors[key].shape) != tuple(p.shape):
                raise SystemExit(f"{path}: {key} is missing or not of shape {tuple(p.shape)}")
            state[s] = tensors[key].to(device=p.device, dtype=p.dtype).clone()
        if kind == "adam":
            # torch 1.12+ keeps Adam's step as a float tensor (on the CPU unless capturable).
            state["step"] = torch.tensor(float(steps))
        elif optimizer.defaults["momentum"] == 0:
            continue
        optimizer.state[p] = state
    return steps


def save_optimizer_state(optimizer, model, path, steps):
    """The optimizer's state in the file format load_optimizer_state reads."""
    kind = "adam" if isinstance(optimizer, torch.optim.Adam) else "sgd"
    tensors = {}
    for name, p in model.named_parameters():
        for s, v in optimizer.state.get(p, {}).items():
            if s != "step" and v is not None:
                tensors[f"{s}.{name}"] = v.float()
    save_file(tensors, path, {"format": "timestep-optimizer", "kind": kind, "step": str(steps)})


def train_chunk(net, model, optimizer, x, y, state, head, clip):
    """One optimizer step on one truncated-BPTT chunk, as the page takes it: forward from the
    carried state, the loss, backward, clipping by the global norm, and the update unless the
    gradient is not finite. Returns (loss, norm, state detached, applied)."""
    pred, state = net(x, state)
    loss = loss_of(head["loss"], pred, y)
    optimizer.zero_grad()
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    applied = bool(torch.isfinite(norm))
    if applied:
        optimizer.step()
    return loss, norm, detach(state), applied


@torch.no_grad()
def validation_loss(model, samples, cfg, device):
    val = samples.validation()
    if val is None:
        return None
    x, y = (v.to(device) for v in val)
    k = cfg["training"]["tbptt"]
    if k < x.shape[1]:
        x, y = x[:, :k], y[:, :k]
    pred, _ = model(x)
    return loss_of(cfg["head"]["loss"], pred, y).item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--evaluate", action="store_true", help="print the validation loss and stop")
    parser.add_argument("--steps", type=int, default=100, help="training windows (each is one optimizer step per truncated-BPTT chunk)")
    parser.add_argument("--weights", default=os.path.join(HERE, "weights.safetensors"), help="weights to start from")
    parser.add_argument("--out", default=None, help="where to write the trained weights (default: --weights)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the window draws (default: the run's)")
    parser.add_argument("--cpu", action="store_true", help="stay on the CPU when a GPU is there")
    parser.add_argument("--optimizer-state", default=os.path.join(HERE, "optimizer.safetensors"), help="the optimizer's state to carry on from (written back beside --out)")
    parser.add_argument("--fresh-optimizer", action="store_true", help="start the optimizer from zero instead of the page's state")
    args = parser.parse_args()

    with open(os.path.join(HERE, "config.json")) as f:
        cfg = json.load(f)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available() and not args.cpu
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
    rank = dist.get_rank() if world > 1 else 0
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if cuda else "cpu")
    # The page computes in float32: no TF32 shortcuts here either.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False

    model = build_model().to(device)
    weights, metadata = load_file(args.weights)
    model.load_state_dict(weights)
    tensors, _ = load_file(os.path.join(HERE, "data.safetensors"))
    samples = Samples(tensors, cfg["data"])
    say = print if rank == 0 else (lambda *a, **k: None)

    before = validation_loss(model, samples, cfg, device)
    say(f"validation loss {before:.9g}" if before is not None else "validation loss none (the run has no validation split)")
    if args.evaluate:
        return

    tr = cfg["training"]
    net = (DistributedDataParallel(model, device_ids=[device.index]) if cuda else DistributedDataParallel(model)) if world > 1 else model
    optimizer = make_optimizer(model.parameters(), tr["optimizer"])
    if not args.fresh_optimizer and load_optimizer_state(optimizer, model, args.optimizer_state) is not None:
        say(f"optimizer state from {os.path.basename(args.optimizer_state)}")
    clip = tr["clip"] if tr["clip"] > 0 else math.inf
    T, k, B = samples.seq_len, tr["tbptt"], tr["batch"]
    # Every process draws the same windows and takes its share of them.
    draws = torch.Generator().manual_seed(tr["seed"] if args.seed is None else args.seed)
    step = int(metadata.get("step", "0"))
    for window in range(args.steps):
        index = torch.randint(samples.count["train"], (B,), generator=draws).tensor_split(world)[rank]
        x, y = (v.to(device) for v in samples.batch("train", index))
        state = None
        for c in range(T // k):
            target = y[:, c * k : (c + 1) * k] if cfg["head"]["task"] == "many-to-many" else y
            loss, norm, state, applied = train_chunk(net, model, optimizer, x[:, c * k : (c + 1) * k], target, state, cfg["head"], clip)
            step += 1
            if not applied:
                say(f"step {step}: the gradient is not finite; skipped")
        if rank == 0 and (window + 1) % max(1, args.steps // 10) == 0:
            say(f"window {window + 1}/{args.steps}  step {step}  loss {loss.item():.6g}  |g| {norm.item():.4g}")

    after = validation_loss(model, samples, cfg, device)
    if after is not None:
        say(f"validation loss after {after:.9g}")
    if rank == 0:
        out = args.out or args.weights
        state_dict = {name: v.float() for name, v in model.state_dict().items()}
        save_file(state_dict, out, {**metadata, "step": str(step)})
        state_out = os.path.join(os.path.dirname(os.path.abspath(out)), "optimizer.safetensors")
        save_optimizer_state(optimizer, model, state_out, step)
        say(f"wrote {out} and {os.path.basename(state_out)} (step {step})")
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
