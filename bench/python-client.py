"""The Python client's costs, measured in one interpreter: `python-client.py MODE N`.
  calls: N log_metric calls against N appends of the same tuple to a list (the floor of any buffered logger),
         with the sender shipping to runmeter meanwhile; prints {"client_s", "baseline_s"}.
  throughput: N points logged then flushed (stored) through runmeter; prints {"seconds"}."""
import json
import sys
import time

import runmeter
from runmeter import Context

mode, n = sys.argv[1], int(sys.argv[2])
runmeter.start_run(name=f"bench-{mode}")
if mode == "calls":
    best_client = best_list = float("inf")
    for _ in range(5):
        plain = []
        start = time.perf_counter()
        for step in range(n):
            plain.append(("loss", "training", time.time() * 1000.0, step, None, 0.5))
        best_list = min(best_list, time.perf_counter() - start)
        start = time.perf_counter()
        for step in range(n):
            runmeter.log_metric("loss", 0.5, Context.TRAINING, step=step)
        best_client = min(best_client, time.perf_counter() - start)
        runmeter.flush()
    print(json.dumps({"client_s": best_client, "baseline_s": best_list}))
else:
    start = time.perf_counter()
    for step in range(n):
        runmeter.log_metric("loss", 0.5, "training", step=step)
    stored = runmeter.flush(120)
    print(json.dumps({"seconds": time.perf_counter() - start, "stored": stored}))
runmeter.end_run()
