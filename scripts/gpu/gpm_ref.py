# GPM metrics and structure layout read through NVIDIA's own Python binding (nvidia-ml-py), to check runmeter's.
import ctypes, json, sys, time
out = {"phase": sys.argv[1] if len(sys.argv) > 1 else "idle"}
try:
    import pynvml as n
    n.nvmlInit()
    h = n.nvmlDeviceGetHandleByIndex(0)
    out["name"] = n.nvmlDeviceGetName(h)
    out["layout"] = {
        "sizeof_nvmlGpmMetric_t": ctypes.sizeof(n.c_nvmlGpmMetric_t),
        "offset_metrics": n.c_nvmlGpmMetricsGet_t.metrics.offset,
        "offset_sample1": n.c_nvmlGpmMetricsGet_t.sample1.offset,
        "offset_value": n.c_nvmlGpmMetric_t.value.offset,
        "offset_nvmlReturn": n.c_nvmlGpmMetric_t.nvmlReturn.offset,
        "NVML_GPM_METRIC_MAX": getattr(n, "NVML_GPM_METRIC_MAX", None),
        "NVML_GPM_METRICS_GET_VERSION": getattr(n, "NVML_GPM_METRICS_GET_VERSION", None),
        "metric_names": {k: getattr(n, k) for k in dir(n) if k.startswith("NVML_GPM_METRIC_") and isinstance(getattr(n, k), int) and getattr(n, k) <= 12},
    }
    try:
        out["gpmSupport"] = bool(n.nvmlGpmQueryDeviceSupport(h).isSupportedDevice)
    except Exception as e:
        out["gpmSupport"] = repr(e)
    ids = [2, 3, 5, 10]
    windows = []
    for _ in range(3):
        s1, s2 = n.nvmlGpmSampleAlloc(), n.nvmlGpmSampleAlloc()
        n.nvmlGpmSampleGet(h, s1); time.sleep(0.5); n.nvmlGpmSampleGet(h, s2)
        mg = n.c_nvmlGpmMetricsGet_t()
        mg.version = n.NVML_GPM_METRICS_GET_VERSION; mg.numMetrics = len(ids); mg.sample1 = s1; mg.sample2 = s2
        for i, m in enumerate(ids):
            mg.metrics[i].metricId = m
        n.nvmlGpmMetricsGet(mg)
        windows.append({str(m): (mg.metrics[i].value if mg.metrics[i].nvmlReturn == 0 else f"code {mg.metrics[i].nvmlReturn}") for i, m in enumerate(ids)})
        n.nvmlGpmSampleFree(s1); n.nvmlGpmSampleFree(s2)
    out["gpm"] = windows
    for name, call in [("throttle", lambda: hex(n.nvmlDeviceGetCurrentClocksEventReasons(h))), ("energy_mJ", lambda: n.nvmlDeviceGetTotalEnergyConsumption(h)),
                       ("procs", lambda: [(p.pid, p.usedGpuMemory) for p in n.nvmlDeviceGetComputeRunningProcesses(h)])]:
        try:
            out[name] = call()
        except Exception as e:
            out[name] = repr(e)
    n.nvmlShutdown()
except Exception as e:
    out["error"] = repr(e)
print(json.dumps(out, indent=1, default=str))
