/** A GPU as CUDA_VISIBLE_DEVICES names it: by index, or by UUID (or a unique prefix of it). */
export type VisibleDevice = { index: number } | { uuid: string };

/**
 * Parses CUDA_VISIBLE_DEVICES (or HIP_VISIBLE_DEVICES, ROCR_VISIBLE_DEVICES) as CUDA does: undefined when unset (all GPUs),
 * an empty list when empty; a list stops at its first entry that is neither an index nor a UUID (CUDA ignores it and what follows).
 */
export function parseVisibleDevices(value: string | undefined): VisibleDevice[] | undefined {
  if (value === undefined) return undefined;
  const devices: VisibleDevice[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (/^\d+$/.test(entry)) devices.push({ index: Number(entry) });
    else if (/^GPU-[0-9a-fA-F-]+$/.test(entry)) devices.push({ uuid: entry.toLowerCase() });
    // MIG instances (MIG-...) cannot be matched to a whole GPU here; they, like "-1" or garbage, end the list.
    else break;
  }
  return devices;
}

/** The GPUs the job can see, in the order CUDA_VISIBLE_DEVICES lists them; all of them when it is unset. */
export function selectVisible<T extends { index: number; uuid?: string }>(gpus: T[], visible: VisibleDevice[] | undefined): T[] {
  if (visible === undefined) return gpus;
  const chosen: T[] = [];
  for (const wanted of visible) {
    const matches =
      'index' in wanted ? gpus.filter((gpu) => gpu.index === wanted.index) : gpus.filter((gpu) => gpu.uuid?.toLowerCase().startsWith(wanted.uuid));
    const [gpu] = matches;
    // An ambiguous UUID prefix or an index out of range ends the list, as in CUDA.
    if (gpu === undefined || matches.length > 1) break;
    if (!chosen.includes(gpu)) chosen.push(gpu);
  }
  return chosen;
}

/** The variable that limits a job's GPUs: CUDA_VISIBLE_DEVICES for NVIDIA; HIP's or ROCr's first for AMD. */
export function visibleDevicesFor(vendor: 'nvidia' | 'amd', env: NodeJS.ProcessEnv): VisibleDevice[] | undefined {
  if (vendor === 'nvidia') return parseVisibleDevices(env.CUDA_VISIBLE_DEVICES);
  return parseVisibleDevices(env.HIP_VISIBLE_DEVICES ?? env.ROCR_VISIBLE_DEVICES ?? env.CUDA_VISIBLE_DEVICES);
}
