// The CPU cost of each NVML call runmeter makes per reading, on this machine: median over 200 calls, in microseconds.
import { loadNvml } from '../../dist/sample/gpu/nvml-library.js';
import { GpmWatcher } from '../../dist/sample/gpu/nvml-watchers.js';

const lib = loadNvml(process.env.NVML_LIB ?? 'libnvidia-ml.so.1');
await lib.init();
const d = lib.handle(0).value;
const calls = {
  utilization: () => lib.utilization(d),
  memory: () => lib.memory(d),
  power: () => lib.powerMilliwatts(d),
  temperature: () => lib.temperatureCelsius(d),
  energy: () => lib.energyMillijoules(d),
  processes: () => lib.computeProcesses(d),
  clockReasons: () => lib.extras.clocksEventReasons(d),
  xidWait: (() => {
    const s = lib.extras.eventSetCreate().value;
    lib.extras.registerEvents(d, 8n, s);
    return () => lib.extras.eventWait(s);
  })(),
};
const out = { phase: process.argv[2] ?? 'idle', microseconds: {} };
for (const [name, fn] of Object.entries(calls)) {
  const times = [];
  for (let i = 0; i < 200; i++) {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    fn();
    const w = Number(process.hrtime.bigint() - t) / 1000;
    const u = process.cpuUsage(c);
    times.push([w, u.user + u.system]);
  }
  const wall = times.map((x) => x[0]).sort((a, b) => a - b),
    cpu = times.map((x) => x[1]).sort((a, b) => a - b);
  out.microseconds[name] = { wallMedian: Math.round(wall[100]), wallP90: Math.round(wall[180]), cpuMean: Math.round(cpu.reduce((a, b) => a + b, 0) / 200) };
}
const g = GpmWatcher.open(lib.extras, d);
if (g) {
  const times = [];
  for (let i = 0; i < 12; i++) {
    await new Promise((r) => setTimeout(r, 110));
    const t = process.hrtime.bigint();
    g.read(performance.now(), {});
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  out.microseconds.gpmRead = times.slice(2).sort((a, b) => a - b)[5];
  g.close();
}
console.log(JSON.stringify(out));
lib.shutdown();
