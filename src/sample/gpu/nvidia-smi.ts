import type { GpuInfo } from '../../model/run.js';
import { runTool } from './run-tool.js';
import type { GpuReading, GpuSource, WarnOnce } from './types.js';
import { selectVisible, type VisibleDevice } from './visible-devices.js';

/** The fields runmeter asks nvidia-smi for, in this order. */
export const gpuQueryFields = ['index', 'uuid', 'name', 'utilization.gpu', 'memory.used', 'memory.total', 'power.draw', 'temperature.gpu', 'driver_version'];
/** The per-process fields, in this order. */
export const computeAppsFields = ['gpu_uuid', 'pid', 'used_memory'];

const textFields = new Set(['uuid', 'gpu_uuid', 'name', 'driver_version', 'process_name', 'timestamp', 'pci.bus_id']);
const mebibyte = 1024 * 1024;

/** One CSV row by field name: numbers as numbers, text as text; `[N/A]`, `[Not Supported]` and other bracketed notes are absent. */
export type NvidiaSmiRow = Record<string, string | number | undefined>;

/** Parses `nvidia-smi --query-...=FIELDS --format=csv,noheader,nounits` output, given the fields asked for. */
export function parseNvidiaSmiCsv(text: string, fields: readonly string[]): NvidiaSmiRow[] {
  const rows: NvidiaSmiRow[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('No running')) continue;
    const cells = line.split(',').map((cell) => cell.trim());
    const row: NvidiaSmiRow = {};
    fields.forEach((field, i) => {
      const cell = cells[i];
      if (cell === undefined || cell === '' || /^\[.*\]$/.test(cell) || cell === 'N/A') row[field] = undefined;
      else if (textFields.has(field)) row[field] = cell;
      else row[field] = Number.isFinite(Number(cell)) ? Number(cell) : undefined;
    });
    rows.push(row);
  }
  return rows;
}

/** Readings from a `--query-gpu` (fields of `gpuQueryFields`) and a `--query-compute-apps` (fields of `computeAppsFields`) output. */
export function nvidiaSmiReadings(gpuRows: NvidiaSmiRow[], appRows: NvidiaSmiRow[] | undefined): GpuReading[] {
  const readings: GpuReading[] = [];
  for (const row of gpuRows) {
    const index = num(row.index);
    if (index === undefined) continue;
    const uuid = typeof row.uuid === 'string' ? row.uuid : undefined;
    const reading: GpuReading = { index, ...(uuid === undefined ? {} : { uuid }) };
    const set = <K extends keyof GpuReading>(key: K, value: GpuReading[K] | undefined) => {
      if (value !== undefined) reading[key] = value;
    };
    set('utilizationPercent', num(row['utilization.gpu']));
    set('memoryUsedBytes', mib(row['memory.used']));
    set('memoryTotalBytes', mib(row['memory.total']));
    set('powerWatts', num(row['power.draw']));
    set('temperatureCelsius', num(row['temperature.gpu']));
    if (appRows !== undefined) {
      reading.processes = appRows
        .filter((app) => app.gpu_uuid === uuid && num(app.pid) !== undefined && mib(app.used_memory) !== undefined)
        .map((app) => ({ pid: num(app.pid) ?? 0, usedBytes: mib(app.used_memory) ?? 0 }));
    }
    readings.push(reading);
  }
  return readings;
}

/** The GPUs a `--query-gpu` output describes. */
export function nvidiaSmiDevices(gpuRows: NvidiaSmiRow[]): GpuInfo[] {
  return nvidiaSmiReadings(gpuRows, undefined).map((reading, i) => {
    const row = gpuRows[i] ?? {};
    return {
      index: reading.index,
      name: typeof row.name === 'string' ? row.name : 'NVIDIA GPU',
      ...(reading.uuid === undefined ? {} : { uuid: reading.uuid }),
      ...(reading.memoryTotalBytes === undefined ? {} : { memoryBytes: reading.memoryTotalBytes }),
      ...(typeof row.driver_version === 'string' ? { driverVersion: row.driver_version } : {}),
    };
  });
}

/** Reads the GPUs by running nvidia-smi: the fallback when NVML cannot be loaded. Throws when nvidia-smi fails. */
export async function openNvidiaSmiSource(command: string, visible: VisibleDevice[] | undefined, warnOnce: WarnOnce): Promise<GpuSource> {
  const queryGpus = async () =>
    parseNvidiaSmiCsv(await runTool(command, [`--query-gpu=${gpuQueryFields.join(',')}`, '--format=csv,noheader,nounits']), gpuQueryFields);
  const queryApps = async () =>
    parseNvidiaSmiCsv(await runTool(command, [`--query-compute-apps=${computeAppsFields.join(',')}`, '--format=csv,noheader,nounits']), computeAppsFields);
  const firstRows = await queryGpus();
  let latest: GpuReading[] = [];
  let devices = selectVisible(nvidiaSmiDevices(firstRows), visible);
  const visibleIndices = () => new Set(devices.map((d) => d.index));
  return {
    name: 'nvidia-smi',
    devices: () => devices,
    read: () => latest,
    refresh: async () => {
      try {
        const [gpuRows, appRows] = await Promise.all([queryGpus(), queryApps().catch(() => undefined)]);
        devices = selectVisible(nvidiaSmiDevices(gpuRows), visible);
        const shown = visibleIndices();
        latest = nvidiaSmiReadings(gpuRows, appRows).filter((reading) => shown.has(reading.index));
      } catch (error) {
        latest = [];
        warnOnce('nvidia-smi', `GPU metrics are missing while nvidia-smi fails: ${(error as Error).message}`);
      }
    },
    close: () => {},
  };
}

function num(value: string | number | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function mib(value: string | number | undefined): number | undefined {
  return typeof value === 'number' ? value * mebibyte : undefined;
}
