import fs from 'node:fs';
import path from 'node:path';

interface Zone {
  file: string;
  rangeMicrojoules: number;
  last: number;
}

/**
 * The CPU packages' energy from Intel's RAPL counters (also on AMD Zen, through the same powercap driver):
 * /sys/class/powercap/intel-rapl:N/energy_uj for each `package-N` zone, in microjoules, wrapping at max_energy_range_uj.
 * Since Linux 5.10 only root can read them.
 */
export class RaplProbe {
  private readonly zones: Zone[] = [];
  private joules = 0;
  /** Why there is no CPU energy, when there is none: no RAPL here, or no permission. */
  readonly missing: string | undefined;

  constructor(sysDir: string) {
    const base = path.join(sysDir, 'class/powercap');
    let names: string[];
    try {
      names = fs.readdirSync(base).filter((name) => /^intel-rapl:\d+$/.test(name));
    } catch {
      names = [];
    }
    let denied = false;
    for (const name of names.sort()) {
      const dir = path.join(base, name);
      try {
        // Top-level zones are packages (and on some laptops `psys`, the whole platform, which holds the packages: left out).
        if (!fs.readFileSync(path.join(dir, 'name'), 'utf8').trim().startsWith('package')) continue;
        const rangeMicrojoules = Number(fs.readFileSync(path.join(dir, 'max_energy_range_uj'), 'utf8'));
        const file = path.join(dir, 'energy_uj');
        this.zones.push({ file, rangeMicrojoules, last: Number(fs.readFileSync(file, 'utf8')) });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EACCES') denied = true;
      }
    }
    if (this.zones.length === 0) {
      this.missing = denied
        ? 'the RAPL energy counters (/sys/class/powercap/intel-rapl*) can be read by root only (Linux 5.10 and later)'
        : 'this machine has no RAPL energy counters (/sys/class/powercap/intel-rapl*)';
    }
  }

  /** Whether any package's counter can be read. */
  get available(): boolean {
    return this.zones.length > 0;
  }

  /** The packages' energy since this probe was made, in joules. */
  read(): number {
    for (const zone of this.zones) {
      let now: number;
      try {
        now = Number(fs.readFileSync(zone.file, 'utf8'));
      } catch {
        continue;
      }
      if (!Number.isFinite(now)) continue;
      // The counter wraps at max_energy_range_uj (about 262 kJ: every ~20 minutes at 200 W); read more often than that.
      const delta = now >= zone.last ? now - zone.last : now + zone.rangeMicrojoules - zone.last;
      this.joules += delta / 1e6;
      zone.last = now;
    }
    return this.joules;
  }
}
