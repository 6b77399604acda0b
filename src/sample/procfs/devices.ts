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

/**
 * The network interfaces whose traffic counts: those backed by a device (a NIC has a `device` link in sysfs). Bridges, veth pairs,
 * ifb and tunnels carry the same packets again. Where no interface has a device (inside a container, whose eth0 is a veth), all but lo.
 */
export function physicalInterfaceNames(sysDir: string, names: string[]): Set<string> {
  const withDevice = names.filter((name) => name !== 'lo' && fs.existsSync(`${sysDir}/class/net/${name}/device`));
  return new Set(withDevice.length > 0 ? withDevice : names.filter((name) => name !== 'lo'));
}
