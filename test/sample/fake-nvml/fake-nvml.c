// A stand-in for libnvidia-ml.so.1 that replays what a real H100 returned (test/fixtures/real/gpu/nvml_h100.md, during training),
// so that the sampler's koffi bindings (signatures, struct layouts, error handling) run on a machine without a GPU.
// GPU 0 answers every call. GPU 1 answers like a MIG-enabled GPU: utilization and energy are NVML_ERROR_NOT_SUPPORTED.
// The recorded process (pid 405) is joined by the pid in FAKE_NVML_PID, so a test's own child can hold GPU memory.
// The calls the H100 recording lacks replay an H200 under bf16 matrix products (test/fixtures/real/gpu/nvml_h200.md): the
// energy counter grows at the recorded power (696.827 W, counted on the monotonic clock from its first call), clock event
// reasons are idle (0x1) for the first two calls, then the software power cap (0x4), and GPM (GPU 0 only, as on a Hopper
// GPU) gives the SM, occupancy, tensor and DRAM figures read there. GPM serves one client: the first two samples taken
// belong to the client holding it, and a sample of another client gets NVML_ERROR_IN_USE until they are freed. Xid events
// are made up (no GPU error happened): one, the Xid in FAKE_NVML_XID, on GPU 0.
// fake_nvml_energy_calls() tells a test how often the energy counter was read.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory; unsigned int gpuInstanceId, computeInstanceId; } nvmlProcessInfo_t;
typedef struct { int index; } device_t;

static device_t devices[2] = {{0}, {1}};
static unsigned int energy_calls = 0;
static double energy_started = -1;
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
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  double seconds = now.tv_sec + now.tv_nsec / 1e9;
  if (energy_started < 0) energy_started = seconds;
  energy_calls++;
  *mj = 123456789ULL + (unsigned long long)((seconds - energy_started) * 696827.0); /* mW x s = mJ */
  return 0;
}
unsigned int fake_nvml_energy_calls(void) { return energy_calls; }
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
static gpm_sample_t *gpm_holder[2];
int nvmlGpmSampleAlloc(gpm_sample_t **sample) { *sample = calloc(1, sizeof(gpm_sample_t)); return *sample ? 0 : 2; }
int nvmlGpmSampleFree(gpm_sample_t *sample) {
  for (int i = 0; i < 2; i++) if (gpm_holder[i] == sample) gpm_holder[i] = NULL;
  free(sample);
  return 0;
}
int nvmlGpmSampleGet(device_t *device, gpm_sample_t *sample) {
  int held = 0, mine = 0;
  for (int i = 0; i < 2; i++) { held += gpm_holder[i] != NULL; mine += gpm_holder[i] == sample; }
  if (!mine) {
    if (held == 2) return 19; /* NVML_ERROR_IN_USE */
    for (int i = 0; i < 2; i++) if (gpm_holder[i] == NULL) { gpm_holder[i] = sample; break; }
  }
  sample->device = device->index;
  sample->taken++;
  return 0;
}
int nvmlGpmMetricsGet(nvmlGpmMetricsGet_t *get) {
  if (get->version != 1) return 25;
  if (!get->sample1 || !get->sample2 || get->sample1 == get->sample2 || !get->sample1->taken || !get->sample2->taken) return 2;
  for (unsigned int i = 0; i < get->numMetrics; i++) {
    nvmlGpmMetric_t *m = &get->metrics[i];
    m->nvmlReturn = 0;
    switch (m->metricId) {
      case 2: m->value = 96.38107445069689; break;   /* SM_UTIL */
      case 3: m->value = 14.243338163597171; break;  /* SM_OCCUPANCY */
      case 5: m->value = 93.55000711419675; break;   /* ANY_TENSOR_UTIL */
      case 10: m->value = 16.842483887737345; break; /* DRAM_BW_UTIL */
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
