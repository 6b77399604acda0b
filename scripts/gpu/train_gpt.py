"""A small GPT trained on random tokens on the GPU, printing one JSON loss line per step, and its own reference
FLOPs (torch.utils.flop_counter) and step time, to hold runmeter's perf/achieved_tflops and perf/mfu_percent against."""
import argparse, json, math, os, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--seconds", type=float, default=30)
p.add_argument("--export-only", default=None)
p.add_argument("--batch", type=int, default=16)
p.add_argument("--seq", type=int, default=512)
p.add_argument("--dim", type=int, default=1024)
p.add_argument("--layers", type=int, default=8)
p.add_argument("--vocab", type=int, default=8192)
a = p.parse_args()
H = 16

class Block(nn.Module):
    def __init__(s, d):
        super().__init__()
        s.ln1, s.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        s.qkv, s.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        s.fc, s.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(s, x):
        B, T, D = x.shape
        q, k, v = s.qkv(s.ln1(x)).split(D, dim=2)
        q, k, v = (t.reshape(B, T, H, D // H).transpose(1, 2) for t in (q, k, v))
        if hasattr(F, "scaled_dot_product_attention"):
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            w = (q @ k.transpose(-2, -1)) / math.sqrt(D // H)
            w = w.masked_fill(torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1), float("-inf"))
            y = w.softmax(-1) @ v
        x = x + s.proj(y.transpose(1, 2).reshape(B, T, D))
        return x + s.out(F.gelu(s.fc(s.ln2(x))))

class GPT(nn.Module):
    def __init__(s):
        super().__init__()
        s.tok, s.pos = nn.Embedding(a.vocab, a.dim), nn.Embedding(a.seq, a.dim)
        s.blocks = nn.ModuleList(Block(a.dim) for _ in range(a.layers))
        s.ln, s.head = nn.LayerNorm(a.dim), nn.Linear(a.dim, a.vocab, bias=False)

    def forward(s, idx):
        x = s.tok(idx) + s.pos(torch.arange(idx.shape[1], device=idx.device))
        for b in s.blocks:
            x = b(x)
        return s.head(s.ln(x))

torch.manual_seed(0)
model = GPT()
if a.export_only:
    x = torch.randint(0, a.vocab, (1, a.seq))
    kw = dict(input_names=["input"], dynamic_axes={"input": {0: "batch"}}, opset_version=17)
    try:
        torch.onnx.export(model, (x,), a.export_only, dynamo=False, **kw)
    except TypeError:
        torch.onnx.export(model, (x,), a.export_only, **kw)
    # Keep the graph, not the weights: a counter needs the shapes only.
    import onnx
    m = onnx.load(a.export_only)
    onnx.save_model(m, a.export_only, save_as_external_data=True, all_tensors_to_one_file=True, location="gpt.weights", size_threshold=1024)
    os.remove(os.path.join(os.path.dirname(a.export_only), "gpt.weights"))
    print(f"exported {a.export_only}: {os.path.getsize(a.export_only)} bytes, {len(m.graph.node)} nodes")
    sys.exit(0)

dev = "cuda" if torch.cuda.is_available() else "cpu"
model = model.to(dev)
opt = torch.optim.AdamW(model.parameters(), lr=1e-4, **({"fused": True} if dev == "cuda" else {}))
x = torch.randint(0, a.vocab, (a.batch, a.seq), device=dev)
y = torch.randint(0, a.vocab, (a.batch, a.seq), device=dev)

def step():
    with torch.autocast(dev, dtype=torch.bfloat16):
        loss = F.cross_entropy(model(x).float().view(-1, a.vocab), y.view(-1))
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)
    return loss

try:
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as fc:
        step()
    flops_step = fc.get_total_flops()
    fwd = FlopCounterMode(display=False)
    with fwd, torch.no_grad(), torch.autocast(dev, dtype=torch.bfloat16):
        model(x)
    print(json.dumps({"reference_flops_per_step": flops_step, "reference_forward_flops": fwd.get_total_flops()}), file=sys.stderr, flush=True)
except ImportError:
    flops_step = 0
for _ in range(5):
    step()
if dev == "cuda":
    torch.cuda.synchronize()
t0 = time.time(); n = 0; times = []
while time.time() - t0 < a.seconds:
    ts = time.time()
    loss = step().item()
    times.append(time.time() - ts)
    n += 1
    print(json.dumps({"metric": "loss", "value": round(loss, 5), "step": n}), flush=True)
dt = time.time() - t0
steady = sorted(times)[len(times) // 2]
peak = 989.5e12
print(json.dumps({"reference_steps": n, "seconds": dt, "mean_step_s": dt / n, "median_step_s": steady,
                  "achieved_tflops": flops_step * n / dt / 1e12, "mfu_percent_vs_989": 100 * flops_step * n / dt / peak}), file=sys.stderr, flush=True)
