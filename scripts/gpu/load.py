# bf16 matrix products on the GPU for N seconds (argv[1]).
import sys, time, torch
seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16); b = torch.randn_like(a)
end = time.time() + seconds; n = 0; t0 = time.time()
while time.time() < end:
    for _ in range(10):
        c = a @ b
    torch.cuda.synchronize(); n += 10
dt = time.time() - t0
print(f"load: {n} products in {dt:.2f}s = {n * 2 * 8192**3 / dt / 1e12:.1f} TFLOP/s", flush=True)
