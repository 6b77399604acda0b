"""Exports models with several ONNX exporters (weights stripped), counts each with `runmeter flops`, and holds the
count against torch.utils.flop_counter on the same module (macs = flops / 2). Writes DIR/results.json."""
import json, os, subprocess, sys, time, traceback
import torch
out_dir = sys.argv[1]; os.makedirs(out_dir, exist_ok=True)
t_start = time.time(); BUDGET = float(os.environ.get("EXPORT_BUDGET", 250))
results = {"torch": torch.__version__, "models": {}}
try:
    import torchvision; results["torchvision"] = torchvision.__version__
except Exception as e:
    torchvision = None; results["torchvision"] = repr(e)
try:
    import onnx; results["onnx"] = onnx.__version__
except Exception as e:
    results["onnx"] = repr(e)
torch.set_grad_enabled(False)
import inspect
TS = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}

def vision(name):
    return lambda: (getattr(torchvision.models, name)(weights=None).eval(), lambda b: torch.randn(b, 3, 224, 224), ["batch", 3, 224, 224])

def gpt2():
    from transformers import GPT2Config, GPT2Model
    m = GPT2Model(GPT2Config(n_layer=2, n_embd=256, n_head=4, vocab_size=1000, n_positions=256)).eval()
    m.config.use_cache = False
    class W(torch.nn.Module):
        def __init__(s): super().__init__(); s.m = m
        def forward(s, ids): return s.m(input_ids=ids, use_cache=False).last_hidden_state
    return W().eval(), lambda b: torch.randint(0, 1000, (b, 128)), ["batch", 128]

def bert():
    from transformers import BertConfig, BertModel
    m = BertModel(BertConfig(vocab_size=1000, hidden_size=128, num_hidden_layers=2, num_attention_heads=2, intermediate_size=512), add_pooling_layer=False).eval()
    class W(torch.nn.Module):
        def __init__(s): super().__init__(); s.m = m
        def forward(s, ids): return s.m(input_ids=ids).last_hidden_state
    return W().eval(), lambda b: torch.randint(0, 1000, (b, 64)), ["batch", 64]

models = [("swin_t", vision("swin_t")), ("swin_v2_t", vision("swin_v2_t")), ("vit_b_16", vision("vit_b_16")), ("convnext_tiny", vision("convnext_tiny")),
          ("efficientnet_b0", vision("efficientnet_b0")), ("mobilenet_v3_large", vision("mobilenet_v3_large")), ("regnet_y_400mf", vision("regnet_y_400mf")),
          ("maxvit_t", vision("maxvit_t")), ("gpt2_small", gpt2), ("bert_tiny", bert)]
only = os.environ.get("ONLY"); models = [m for m in models if not only or m[0] in only.split(",")]

def reference(model, make):
    try:
        from torch.utils.flop_counter import FlopCounterMode
    except ImportError:
        return None
    macs = {}
    for b in (1, 8):
        fc = FlopCounterMode(display=False)
        with fc:
            model(make(b))
        macs[b] = fc.get_total_flops() // 2
    return macs

def strip(path):
    import onnx
    m = onnx.load(path)
    weights = os.path.basename(path) + ".weights"
    onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True, location=weights, size_threshold=1024)
    w = os.path.join(os.path.dirname(path), weights)
    if os.path.exists(w): os.remove(w)
    return len(m.graph.node), sorted({n.op_type for n in m.graph.node}), len(m.functions)

def export(kind, model, make, path):
    x = make(2)
    if kind.startswith("ts"):
        torch.onnx.export(model, (x,), path, **TS, input_names=["input"], dynamic_axes={"input": {0: "batch"}}, opset_version=int(kind[2:]))
    else:
        try:
            torch.onnx.export(model, (x,), path, dynamo=True, input_names=["input"], dynamic_shapes=({0: torch.export.Dim("batch", min=1, max=1024)},))
            return "dynamic batch"
        except Exception as e:
            torch.onnx.export(model, (make(1),), path, dynamo=True, input_names=["input"])
            return f"static batch 1 (dynamic failed: {type(e).__name__})"
    return "dynamic batch"

def count(path, batch):
    r = subprocess.run(["node", "bin/runmeter", "flops", path, "--batch", str(batch), "--json"], capture_output=True, text=True, timeout=60)
    if r.returncode != 0: return {"error": (r.stderr or r.stdout)[-400:]}
    j = json.loads(r.stdout)
    return {"macs": j["macs"], "warnings": j.get("warnings", [])[:3], "unknown_ops": j.get("unknown_ops")}

for name, build in models:
    if time.time() - t_start > BUDGET: results["models"][name] = "skipped: out of time"; continue
    entry = results["models"].setdefault(name, {})
    try:
        model, make, shape = build()
        entry["shape"] = shape
        t = time.time(); entry["reference_macs"] = reference(model, make); entry["reference_s"] = round(time.time() - t, 1)
    except Exception as e:
        entry["error"] = f"{type(e).__name__}: {e}"[:300]; continue
    for kind in ("ts14", "ts18", "dynamo"):
        if time.time() - t_start > BUDGET: entry[kind] = "skipped: out of time"; continue
        path = os.path.join(out_dir, f"{name}.{kind}.onnx")
        e = entry[kind] = {}
        try:
            t = time.time(); e["batch_axis"] = export(kind, model, make, path); e["export_s"] = round(time.time() - t, 1)
            e["nodes"], e["ops"], e["functions"] = strip(path); e["bytes"] = os.path.getsize(path)
            for b in (1, 8):
                c = count(path, b); e[f"batch{b}"] = c
                ref = (entry.get("reference_macs") or {}).get(b)
                if ref and "macs" in c: c["ratio"] = c["macs"] / ref
        except Exception as ex:
            e["error"] = f"{type(ex).__name__}: {str(ex)[:400]}"
            if os.path.exists(path): os.remove(path)
        print(name, kind, json.dumps({k: v for k, v in e.items() if k != "ops"})[:600], flush=True)
    json.dump(results, open(os.path.join(out_dir, "results.json"), "w"), indent=1)
json.dump(results, open(os.path.join(out_dir, "results.json"), "w"), indent=1)
print("done in", round(time.time() - t_start), "s", flush=True)
