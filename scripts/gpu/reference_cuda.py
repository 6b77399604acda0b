"""Reference MACs from torch.utils.flop_counter on CUDA (where SDPA's kernels are counted; on CPU its math kernel is
not) with nn.MultiheadAttention's fused fast path off (the counter does not see inside it). Prints JSON."""
import json, os, sys, time
import torch
sys.argv = [sys.argv[0], "/tmp/unused"]
torch.backends.mha.set_fastpath_enabled(False)
from torch.utils.flop_counter import FlopCounterMode
src = open(os.path.join(os.path.dirname(__file__), "export_models.py")).read().split("def reference(")[0]
src = src.replace("out_dir = sys.argv[1]; os.makedirs(out_dir, exist_ok=True)", "")
exec(src)
res = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "models": {}}
for name, build in models:
    try:
        model, make, shape = build()
        model = model.cuda().eval()
        r = {}
        for b in (1, 8):
            fc = FlopCounterMode(display=False)
            with fc, torch.no_grad():
                model(make(b).cuda())
            r[b] = fc.get_total_flops() // 2
        res["models"][name] = r
    except Exception as e:
        res["models"][name] = f"{type(e).__name__}: {e}"[:300]
    print(name, res["models"][name], file=sys.stderr, flush=True)
print(json.dumps(res, indent=1))
