import { describe, expect, it } from 'vitest';
import { parseAmdSmiMetrics, parseAmdSmiNames, parseRocmSmi } from '../../src/sample/gpu/amd.js';

// No AMD GPU has been available to the team: these are outputs users posted, cited where each comes from.

describe('parseRocmSmi', () => {
  it('reads a dedicated GPU (rocm-smi --showtemp --showuse --showpower --showmeminfo vram --json, henrygd/beszel#414)', () => {
    const output =
      '{"card0": {"Temperature (Sensor edge) (C)": "49.0", "Temperature (Sensor junction) (C)": "49.0", "Temperature (Sensor memory) (C)": "62.0", "Average Graphics Package Power (W)": "19.0", "GPU use (%)": "0", "VRAM Total Memory (B)": "25753026560", "VRAM Total Used Memory (B)": "794341376"}}';
    expect(parseRocmSmi(output)).toEqual([
      { index: 0, utilizationPercent: 0, memoryUsedBytes: 794341376, memoryTotalBytes: 25753026560, powerWatts: 19, temperatureCelsius: 49 },
    ]);
  });

  it('reads an APU, whose power is the current socket power, and skips N/A (sebhildebrandt/systeminformation#960)', () => {
    const output = JSON.stringify({
      card0: {
        'Device Name': 'Phoenix3',
        'Unique ID': 'N/A',
        'Temperature (Sensor edge) (C)': '31.0',
        'Current Socket Graphics Package Power (W)': '7.222',
        'GPU use (%)': '19',
        'Memory Activity': 'N/A',
      },
    });
    expect(parseRocmSmi(output)).toEqual([{ index: 0, name: 'Phoenix3', utilizationPercent: 19, powerWatts: 7.222, temperatureCelsius: 31 }]);
  });
});

describe('parseAmdSmiMetrics', () => {
  it('reads the list form of older amd-smi (henrygd/beszel#737), with memory in MB and the energy counter', () => {
    const output = JSON.stringify([
      {
        gpu: 0,
        usage: { gfx_activity: { value: 42, unit: '%' }, umc_activity: { value: 1, unit: '%' }, vcn_activity: [{ value: 0, unit: '%' }, 'N/A'] },
        power: { socket_power: { value: 20, unit: 'W' }, gfx_voltage: { value: 780, unit: 'mV' } },
        temperature: { edge: { value: 45, unit: 'C' }, hotspot: { value: 48, unit: 'C' } },
        mem_usage: { total_vram: { value: 16368, unit: 'MB' }, used_vram: { value: 14569, unit: 'MB' } },
        energy: { total_energy_consumption: { value: 1234.5, unit: 'J' } },
      },
    ]);
    expect(parseAmdSmiMetrics(output)).toEqual([
      {
        index: 0,
        utilizationPercent: 42,
        memoryUsedBytes: 14569 * 1048576,
        memoryTotalBytes: 16368 * 1048576,
        powerWatts: 20,
        temperatureCelsius: 45,
        energyCounterJoules: 1234.5,
      },
    ]);
  });

  it('reads the gpu_data form of newer amd-smi, where a GPU may answer N/A to whole groups (ROCm/rocm-systems#2720)', () => {
    const output = JSON.stringify({
      gpu_data: [
        { gpu: 0, usage: 'N/A', power: { socket_power: 'N/A', gfx_voltage: 'N/A' }, temperature: { edge: 'N/A', hotspot: { value: 41, unit: 'C' } } },
        { gpu: 1, usage: { gfx_activity: { value: 2, unit: '%' } } },
      ],
    });
    expect(parseAmdSmiMetrics(output)).toEqual([
      { index: 0, temperatureCelsius: 41 },
      { index: 1, utilizationPercent: 2 },
    ]);
  });

  it('finds market names in amd-smi static --asic --json', () => {
    const output = JSON.stringify({
      gpu_data: [
        { gpu: 0, asic: { market_name: 'AMD Radeon RX 7800 XT' } },
        { gpu: 1, asic: { market_name: 'N/A' } },
      ],
    });
    expect([...parseAmdSmiNames(output)]).toEqual([[0, 'AMD Radeon RX 7800 XT']]);
  });
});
