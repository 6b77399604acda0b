// A stand-in for libnvidia-ml.so.1 that replays what a real H100 returned (test/fixtures/real/gpu/nvml_h100.md, during training),
// so that the sampler's koffi bindings (signatures, struct layouts, error handling) run on a machine without a GPU.
// GPU 0 answers every call. GPU 1 answers like a MIG-enabled GPU: utilization and energy are NVML_ERROR_NOT_SUPPORTED.
// The recorded process (pid 405) is joined by the pid in FAKE_NVML_PID, so a test's own child can hold GPU memory.
// The energy counter is invented (the recording has none): it grows by 700 J a call, about what 700 W gives in a second.
// So are the calls below the recorded ones (no GPU was at hand to record them): clock event reasons (idle for the first two
// calls, then the software power cap), GPM (GPU 0 only, as on a Hopper GPU: fixed SM, occupancy, tensor and DRAM figures), and
// Xid events (one, the Xid in FAKE_NVML_XID, on GPU 0). Their layouts and codes follow nvml.h; the values are made up.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory; unsigned int gpuInstanceId, computeInstanceId; } nvmlProcessInfo_t;
typedef struct { int index; } device_t;

static device_t devices[2] = {{0}, {1}};
static unsigned long long energy = 123456789ULL;
static int initialised = 0;
static int clock_calls[2];

int nvmlInit_v2(void) { if (initialised++ == 0) clock_calls[0] = clock_calls[1] = 0; return 0; }
int nvmlShutdown(void) { initialised--; return 0; }
const char *nvmlErrorString(int result) { return result == 3 ? "Not Supported" : result == 7 ? "Insufficient Size" : "Unknown Error"; }
int nvmlDeviceGetCount_v2(unsigned int *count) { *count = 2; return initialised > 0 ? 0 : 1; }
int nvmlDeviceGetHandleByIndex_v2(unsigned int index, device_t **device) {
  if (index > 1) return 2;
  *device = &devices[index];
  return 0;
}
int nvmlSystemGetDriverVersion(char *version, unsigned int length) { strncpy(version, "580.159.04", length); return 0; }
int nvmlDeviceGetName(device_t *device, char *name, unsigned int length) { (void)device; strncpy(name, "NVIDIA H100 80GB HBM3", length); return 0; }
int nvmlDeviceGetUUID(device_t *device, char *uuid, unsigned int length) {
  strncpy(uuid, device->index == 0 ? "GPU-917ba812-3a2a-b201-9184-0be9d1fe3a95" : "GPU-11111111-2222-3333-4444-555555555555", length);
  return 0;
}
int nvmlDeviceGetUtilizationRates(device_t *device, nvmlUtilization_t *u) {
  if (device->index == 1) return 3;
  u->gpu = 100; u->memory = 9;
  return 0;
}
int nvmlDeviceGetMemoryInfo(device_t *device, nvmlMemory_t *m) {
  (void)device;
  m->total = 85520809984ULL; m->free = 83554926592ULL; m->used = 1965883392ULL;
  return 0;
}
int nvmlDeviceGetPowerUsage(device_t *device, unsigned int *mw) { (void)device; *mw = 696827; return 0; }
int nvmlDeviceGetTemperature(device_t *device, int sensor, unsigned int *t) { (void)device; if (sensor != 0) return 2; *t = 58; return 0; }
int nvmlDeviceGetTotalEnergyConsumption(device_t *device, unsigned long long *mj) {
  if (device->index == 1) return 3;
  energy += 700000ULL;
  *mj = energy;
  return 0;
}
int nvmlDeviceGetComputeRunningProcesses_v3(device_t *device, unsigned int *count, nvmlProcessInfo_t *infos) {
  const char *pid = getenv("FAKE_NVML_PID");
  unsigned int needed = device->index == 0 ? (pid ? 2 : 1) : 0;
  if (*count < needed) { *count = needed; return 7; }
  *count = needed;
  if (needed >= 1) { infos[0].pid = 405; infos[0].usedGpuMemory = 1453326336ULL; infos[0].gpuInstanceId = 0xFFFFFFFF; infos[0].computeInstanceId = 0xFFFFFFFF; }
  if (needed >= 2) { infos[1].pid = (unsigned int)atoi(pid); infos[1].usedGpuMemory = 1386ULL * 1048576ULL; infos[1].gpuInstanceId = 0xFFFFFFFF; infos[1].computeInstanceId = 0xFFFFFFFF; }
  return 0;
}

int nvmlDeviceGetCurrentClocksEventReasons(device_t *device, unsigned long long *reasons) {
  if (device->index == 1) return 3;
  *reasons = clock_calls[device->index]++ < 2 ? 0x1ULL : 0x4ULL;
  return 0;
}

typedef struct { unsigned int version, isSupportedDevice; } nvmlGpmSupport_t;
typedef struct { int device; int taken; } gpm_sample_t;
typedef struct { unsigned int metricId; int nvmlReturn; double value; char *shortName, *longName, *unit; } nvmlGpmMetric_t;
typedef struct { unsigned int version, numMetrics; gpm_sample_t *sample1, *sample2; nvmlGpmMetric_t metrics[333]; } nvmlGpmMetricsGet_t;

int nvmlGpmQueryDeviceSupport(device_t *device, nvmlGpmSupport_t *support) {
  if (support->version != 1) return 25; /* NVML_ERROR_ARGUMENT_VERSION_MISMATCH */
  support->isSupportedDevice = device->index == 0;
  return 0;
}
int nvmlGpmSampleAlloc(gpm_sample_t **sample) { *sample = calloc(1, sizeof(gpm_sample_t)); return *sample ? 0 : 2; }
int nvmlGpmSampleFree(gpm_sample_t *sample) { free(sample); return 0; }
int nvmlGpmSampleGet(device_t *device, gpm_sample_t *sample) { sample->device = device->index; sample->taken++; return 0; }
int nvmlGpmMetricsGet(nvmlGpmMetricsGet_t *get) {
  if (get->version != 1) return 25;
  if (!get->sample1 || !get->sample2 || get->sample1 == get->sample2 || !get->sample1->taken || !get->sample2->taken) return 2;
  for (unsigned int i = 0; i < get->numMetrics; i++) {
    nvmlGpmMetric_t *m = &get->metrics[i];
    m->nvmlReturn = 0;
    switch (m->metricId) {
      case 2: m->value = 87.5; break;   /* SM_UTIL */
      case 3: m->value = 42.25; break;  /* SM_OCCUPANCY */
      case 5: m->value = 61.0; break;   /* ANY_TENSOR_UTIL */
      case 10: m->value = 35.5; break;  /* DRAM_BW_UTIL */
      default: m->nvmlReturn = 3;
    }
  }
  return 0;
}

typedef struct { unsigned long long types[2]; int delivered; } event_set_t;
typedef struct { device_t *device; unsigned long long eventType, eventData; unsigned int gpuInstanceId, computeInstanceId; } nvmlEventData_t;

int nvmlEventSetCreate(event_set_t **set) { *set = calloc(1, sizeof(event_set_t)); return *set ? 0 : 2; }
int nvmlDeviceRegisterEvents(device_t *device, unsigned long long types, event_set_t *set) { set->types[device->index] |= types; return 0; }
int nvmlEventSetWait_v2(event_set_t *set, nvmlEventData_t *data, unsigned int timeoutms) {
  (void)timeoutms;
  const char *xid = getenv("FAKE_NVML_XID");
  if (!xid || set->delivered || !(set->types[0] & 0x8ULL)) return 10; /* NVML_ERROR_TIMEOUT */
  set->delivered = 1;
  data->device = &devices[0];
  data->eventType = 0x8ULL;
  data->eventData = (unsigned long long)atoi(xid);
  data->gpuInstanceId = data->computeInstanceId = 0xFFFFFFFF;
  return 0;
}
int nvmlEventSetFree(event_set_t *set) { free(set); return 0; }
