import type { GpuInfo } from '../../model/run.js';
import { runTool } from './run-tool.js';
import type { GpuReading, GpuSource, WarnOnce } from './types.js';
import { selectVisible, type VisibleDevice } from './visible-devices.js';

const unitBytes: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
const unitJoules: Record<string, number> = { J: 1, mJ: 1e-3, uJ: 1e-6, μJ: 1e-6 };

/** amd-smi writes a measure as `{ "value": 42, "unit": "%" }`, a bare number, or "N/A". */
function measure(value: unknown): { value: number; unit?: string } | undefined {
  if (typeof value === 'number') return { value };
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return { value: Number(value) };
  if (value && typeof value === 'object' && 'value' in value) {
    const inner = measure((value as { value: unknown }).value);
    const unit = (value as { unit?: unknown }).unit;
    return inner && typeof unit === 'string' ? { value: inner.value, unit } : inner;
  }
  return undefined;
}

function field(object: unknown, ...path: string[]): unknown {
  let at = object;
  for (const key of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** Parses `amd-smi metric --json`: a list of GPUs (older versions) or `{ "gpu_data": [...] }` (newer ones). */
export function parseAmdSmiMetrics(text: string): GpuReading[] {
  const json: unknown = JSON.parse(text);
  const list = Array.isArray(json) ? json : field(json, 'gpu_data');
  if (!Array.isArray(list)) return [];
  const readings: GpuReading[] = [];
  for (const gpu of list) {
    const index = measure(field(gpu, 'gpu'))?.value;
    if (index === undefined) continue;
    const reading: GpuReading = { index };
    const utilization = measure(field(gpu, 'usage', 'gfx_activity'));
    if (utilization) reading.utilizationPercent = utilization.value;
    const used = bytes(measure(field(gpu, 'mem_usage', 'used_vram')));
    const total = bytes(measure(field(gpu, 'mem_usage', 'total_vram')));
    if (used !== undefined) reading.memoryUsedBytes = used;
    if (total !== undefined) reading.memoryTotalBytes = total;
    const power = measure(field(gpu, 'power', 'socket_power'));
    if (power) reading.powerWatts = power.unit === 'mW' ? power.value / 1000 : power.value;
    // MI300-class GPUs have no edge sensor; the hotspot (junction) is there on all.
    const temperature = measure(field(gpu, 'temperature', 'edge')) ?? measure(field(gpu, 'temperature', 'hotspot'));
    if (temperature) reading.temperatureCelsius = temperature.value;
    const energy = measure(field(gpu, 'energy', 'total_energy_consumption'));
    if (energy) reading.energyCounterJoules = energy.value * (unitJoules[energy.unit ?? 'J'] ?? 1);
    readings.push(reading);
  }
  return readings;
}

/** Parses `rocm-smi --showuse --showpower --showtemp --showmeminfo vram --showenergycounter --showuniqueid --json`: `{ "card0": {...} }`. */
export function parseRocmSmi(text: string): (GpuReading & { name?: string })[] {
  const json = JSON.parse(text) as Record<string, Record<string, unknown>>;
  const readings: (GpuReading & { name?: string })[] = [];
  for (const [card, values] of Object.entries(json)) {
    const match = /^card(\d+)$/.exec(card);
    if (!match || typeof values !== 'object') continue;
    const get = (...keys: string[]) => keys.map((key) => measure(values[key])?.value).find((v) => v !== undefined);
    const reading: GpuReading & { name?: string } = { index: Number(match[1]) };
    const set = <K extends keyof GpuReading>(key: K, value: GpuReading[K] | undefined) => {
      if (value !== undefined) reading[key] = value;
    };
    set('utilizationPercent', get('GPU use (%)'));
    set('memoryUsedBytes', get('VRAM Total Used Memory (B)'));
    set('memoryTotalBytes', get('VRAM Total Memory (B)'));
    // Dedicated GPUs report an average, APUs and MI300 the current socket power.
    set('powerWatts', get('Average Graphics Package Power (W)', 'Current Socket Graphics Package Power (W)'));
    set('temperatureCelsius', get('Temperature (Sensor edge) (C)', 'Temperature (Sensor junction) (C)'));
    const microjoules = get('Accumulated Energy (uJ)');
    if (microjoules !== undefined) reading.energyCounterJoules = microjoules / 1e6;
    const uuid = values['Unique ID'];
    if (typeof uuid === 'string' && uuid !== 'N/A') reading.uuid = uuid;
    const name = values['Card Series'] ?? values['Card series'] ?? values['Device Name'];
    if (typeof name === 'string' && name !== 'N/A') reading.name = name;
    readings.push(reading);
  }
  return readings;
}

/** GPU names by index from `amd-smi static --asic --json`. */
export function parseAmdSmiNames(text: string): Map<number, string> {
  const json: unknown = JSON.parse(text);
  const list = Array.isArray(json) ? json : field(json, 'gpu_data');
  const names = new Map<number, string>();
  for (const gpu of Array.isArray(list) ? list : []) {
    const index = measure(field(gpu, 'gpu'))?.value;
    const name = field(gpu, 'asic', 'market_name');
    if (index !== undefined && typeof name === 'string' && name !== 'N/A') names.set(index, name);
  }
  return names;
}

function bytes(size: { value: number; unit?: string } | undefined): number | undefined {
  // amd-smi's MB are mebibytes (it divides bytes by 1024 twice).
  return size === undefined ? undefined : size.value * (unitBytes[size.unit ?? 'B'] ?? 1);
}

/** Reads AMD GPUs by running amd-smi (or rocm-smi when only it is installed). Throws when the tool fails. */
export async function openAmdSource(
  tool: { name: 'amd-smi' | 'rocm-smi'; path: string },
  visible: VisibleDevice[] | undefined,
  warnOnce: WarnOnce,
): Promise<GpuSource> {
  const query = async (): Promise<(GpuReading & { name?: string })[]> =>
    tool.name === 'amd-smi'
      ? parseAmdSmiMetrics(await runTool(tool.path, ['metric', '--usage', '--power', '--temperature', '--mem-usage', '--energy', '--json']))
      : parseRocmSmi(
          await runTool(tool.path, [
            '--showuse',
            '--showpower',
            '--showtemp',
            '--showmeminfo',
            'vram',
            '--showenergycounter',
            '--showuniqueid',
            '--showproductname',
            '--json',
          ]),
        );
  let latest = selectVisible(await query(), visible);
  if (tool.name === 'amd-smi') {
    const names = await runTool(tool.path, ['static', '--asic', '--json']).then(parseAmdSmiNames, () => new Map<number, string>());
    for (const gpu of latest) gpu.name = names.get(gpu.index);
  }
  const devices: GpuInfo[] = latest.map((gpu) => ({
    index: gpu.index,
    name: gpu.name ?? 'AMD GPU',
    ...(gpu.uuid === undefined ? {} : { uuid: gpu.uuid }),
    ...(gpu.memoryTotalBytes === undefined ? {} : { memoryBytes: gpu.memoryTotalBytes }),
  }));
  return {
    name: tool.name,
    devices: () => devices,
    read: () => latest.map(({ name: _name, ...reading }) => reading),
    refresh: async () => {
      try {
        latest = selectVisible(await query(), visible);
      } catch (error) {
        latest = [];
        warnOnce(tool.name, `GPU metrics are missing while ${tool.name} fails: ${(error as Error).message}`);
      }
    },
    close: () => {},
  };
}
