// Records what each NVML call runmeter makes returns on this machine, as JSON (stdout).
import { performance } from 'node:perf_hooks';
import { gpmMetrics } from '../../dist/sample/gpu/nvml-extras.js';
import { loadNvml } from '../../dist/sample/gpu/nvml-library.js';
import { GpmWatcher, XidWatcher } from '../../dist/sample/gpu/nvml-watchers.js';

const phase = process.argv[2] ?? 'idle';
const out = { phase, calls: [] };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const lib = loadNvml(process.env.NVML_LIB ?? 'libnvidia-ml.so.1');
const record = (call, result) => {
  const entry = result.ok ? { call, code: 0, value: result.value } : { call, code: result.code, error: lib.errorString(result.code) };
  out.calls.push(entry);
  return result;
};
const t0 = performance.now();
out.init = await lib.init();
out.initMs = performance.now() - t0;
const count = record('nvmlDeviceGetCount_v2', lib.deviceCount());
const dev = record('nvmlDeviceGetHandleByIndex_v2(0)', lib.handle(0));
if (dev.ok) {
  const d = dev.value;
  out.calls.at(-1).value = '<handle>';
  record('nvmlDeviceGetName', lib.name(d));
  record('nvmlDeviceGetUUID', lib.uuid(d));
  record('nvmlSystemGetDriverVersion', lib.driverVersion());
  record('nvmlDeviceGetUtilizationRates', lib.utilization(d));
  record('nvmlDeviceGetMemoryInfo', lib.memory(d));
  record('nvmlDeviceGetPowerUsage', lib.powerMilliwatts(d));
  record('nvmlDeviceGetTemperature', lib.temperatureCelsius(d));
  const e1 = record('nvmlDeviceGetTotalEnergyConsumption', lib.energyMillijoules(d));
  record('nvmlDeviceGetComputeRunningProcesses', lib.computeProcesses(d));
  const reasons = record('nvmlDeviceGetCurrentClocksEventReasons', lib.extras.clocksEventReasons(d));
  if (reasons.ok) out.calls.at(-1).hex = `0x${reasons.value.toString(16)}`;
  out.gpmSupported = lib.extras.gpmSupported(d);
  // GPM through the sampler's own watcher: five readings 300 ms apart.
  out.gpm = [];
  const watcher = GpmWatcher.open(lib.extras, d);
  out.gpmWatcherOpened = watcher !== undefined;
  if (watcher) {
    for (let i = 0; i < 6; i++) {
      const reading = {};
      const code = watcher.read(performance.now(), reading);
      out.gpm.push({ atMs: Math.round(performance.now() - t0), code, reading });
      await sleep(300);
    }
    watcher.close();
  }
  // Every GPM metric id 1..40 over one 500 ms window, raw, to check the struct layout against pynvml.
  const s1 = lib.extras.gpmSampleAlloc();
  const s2 = lib.extras.gpmSampleAlloc();
  if (s1.ok && s2.ok) {
    const g1 = lib.extras.gpmSampleGet(d, s1.value);
    await sleep(500);
    const g2 = lib.extras.gpmSampleGet(d, s2.value);
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    const all = lib.extras.gpmMetricsGet(s1.value, s2.value, ids);
    out.gpmAll = { sampleGet: [g1, g2], result: all.ok ? Object.fromEntries(all.value) : { code: all.code, error: lib.errorString(all.code) } };
    lib.extras.gpmSampleFree(s1.value);
    lib.extras.gpmSampleFree(s2.value);
  }
  out.gpmIds = gpmMetrics;
  // Xid events: can a set be made and the GPU registered? Then drain (none expected).
  const set = lib.extras.eventSetCreate();
  out.eventSetCreate = set.ok ? 0 : set.code;
  if (set.ok) {
    out.registerXid = lib.extras.registerEvents(d, 0x8n, set.value);
    const w = lib.extras.eventWait(set.value);
    out.eventWait = w.ok ? (w.value ?? 'none waiting') : { code: w.code, error: lib.errorString(w.code) };
    lib.extras.eventSetFree(set.value);
  }
  const xid = XidWatcher.open(lib.extras, [d]);
  out.xidWatcher = xid === undefined ? 'not opened' : { drained: xid.drain() };
  xid?.close();
  // Energy over one second against mean power.
  const powers = [];
  for (let i = 0; i < 10; i++) {
    const p = lib.powerMilliwatts(d);
    if (p.ok) powers.push(p.value);
    await sleep(100);
  }
  const e2 = lib.energyMillijoules(d);
  if (e1.ok && e2.ok) out.energyCheck = { deltaMillijoules: e2.value - e1.value, meanPowerMilliwatts: powers.reduce((a, b) => a + b, 0) / powers.length };
  // The cost of one sample of everything the sampler reads, 50 times.
  const t1 = performance.now();
  for (let i = 0; i < 50; i++) {
    lib.utilization(d);
    lib.memory(d);
    lib.powerMilliwatts(d);
    lib.temperatureCelsius(d);
    lib.energyMillijoules(d);
    lib.computeProcesses(d);
    lib.extras.clocksEventReasons(d);
  }
  out.sampleCostMs = (performance.now() - t1) / 50;
}
out.count = count.ok ? count.value : count.code;
lib.shutdown();
console.log(JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 1));
