import fs from 'node:fs';

// Names of whole disks when sysfs cannot be read: partitions (sda1, nvme0n1p2) and stacked devices are left out.
const wholeDiskPattern = /^(?:sd[a-z]+|hd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+)$/;

/**
 * The block devices whose IO counts: whole physical disks only. Partitions and stacked devices (dm-*, md*, loop*, zram*)
 * repeat the IO of the disks beneath them, so counting them too would double it. A physical disk has a `device` link in sysfs.
 */
export function physicalDiskNames(sysDir: string, names: string[]): Set<string> {
  let listed: string[] | undefined;
  try {
    listed = fs.readdirSync(`${sysDir}/block`);
  } catch {
    listed = undefined;
  }
  if (listed === undefined || listed.length === 0) return new Set(names.filter((name) => wholeDiskPattern.test(name)));
  return new Set(listed.filter((name) => fs.existsSync(`${sysDir}/block/${name}/device`)));
}
