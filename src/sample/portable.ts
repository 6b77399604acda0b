import os from 'node:os';
import type { SampleValue } from './reading.js';

/** The machine's CPU and memory from Node's `os` module, for platforms without /proc (macOS, Windows). */
export class PortableMachineProbe {
  private previous: { atMs: number; busy: number; total: number } | undefined;

  /** Takes one reading at `nowMs` (a monotonic clock). */
  read(nowMs: number): SampleValue[] {
    const values: SampleValue[] = [];
    let busy = 0;
    let total = 0;
    for (const cpu of os.cpus()) {
      const { user, nice, sys, idle, irq } = cpu.times;
      busy += user + nice + sys + irq;
      total += user + nice + sys + idle + irq;
    }
    const previous = this.previous;
    if (previous !== undefined && total > previous.total) {
      values.push({ name: 'system/cpu_percent', value: ((busy - previous.busy) / (total - previous.total)) * 100 });
    }
    this.previous = { atMs: nowMs, busy, total };
    const memoryTotal = os.totalmem();
    const used = memoryTotal - os.freemem();
    values.push({ name: 'system/memory_used_bytes', value: used }, { name: 'system/memory_percent', value: (used / memoryTotal) * 100 });
    return values;
  }
}
