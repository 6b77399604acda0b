import fs from 'node:fs';
import path from 'node:path';

/** A cgroup of one hierarchy: its directory, and the hierarchy's mount point (limits are looked up from the one to the other). */
export interface CgroupDir {
  version: 1 | 2;
  dir: string;
  mountPoint: string;
}

/** Where a process's memory and CPU cgroups are, in whichever hierarchy (v1 or v2) holds each controller. */
export interface JobCgroups {
  memory?: CgroupDir;
  cpu?: CgroupDir;
}

interface CgroupMount {
  version: 1 | 2;
  /** The cgroup path the mount shows at its mount point (not `/` inside some containers). */
  root: string;
  mountPoint: string;
  /** The v1 controllers of the mount (`memory`, `cpu`, `cpuacct`); none for v2. */
  controllers: string[];
}

/** Parses /proc/<pid>/mountinfo for cgroup mounts. Paths there escape spaces and the like as octal (`\040`). */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const fields = line.slice(0, separator).split(' ');
    const [fstype = '', , superOptions = ''] = line.slice(separator + 3).split(' ');
    const root = unescapeOctal(fields[3] ?? '');
    const mountPoint = unescapeOctal(fields[4] ?? '');
    if (fstype === 'cgroup2') mounts.push({ version: 2, root, mountPoint, controllers: [] });
    else if (fstype === 'cgroup') mounts.push({ version: 1, root, mountPoint, controllers: superOptions.split(',') });
  }
  return mounts;
}

/** Parses /proc/<pid>/cgroup: the cgroup path per v1 controller, and the v2 path under the key ''. */
export function parseProcCgroup(text: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    const [, controllers = '', cgroupPath = ''] = match;
    if (controllers === '') paths.set('', cgroupPath);
    for (const controller of controllers.split(',')) if (controller !== '') paths.set(controller, cgroupPath);
  }
  return paths;
}

/** The directory of a cgroup path under a mount, or undefined when the mount does not show that cgroup. */
export function cgroupDirectory(mount: Pick<CgroupMount, 'root' | 'mountPoint'>, cgroupPath: string): string | undefined {
  const relative = path.posix.relative(mount.root, cgroupPath);
  if (relative.startsWith('..')) return undefined;
  return path.join(mount.mountPoint, relative);
}

/**
 * The memory and CPU cgroups of process `pid`, from its /proc/<pid>/cgroup and this process's mounts. A controller enabled in v2
 * (the cgroup has memory.max, cpu.max) is taken from there, else from its v1 hierarchy. Undefined parts where nothing is readable.
 */
export function locateCgroups(pid: number, procDir = '/proc'): JobCgroups {
  let paths: Map<string, string>;
  let mounts: CgroupMount[];
  try {
    paths = parseProcCgroup(fs.readFileSync(`${procDir}/${pid}/cgroup`, 'utf8'));
    mounts = parseCgroupMounts(fs.readFileSync(`${procDir}/self/mountinfo`, 'utf8'));
  } catch {
    return {};
  }
  const found: JobCgroups = {};
  const v2 = mounts.find((mount) => mount.version === 2);
  const v2Path = paths.get('');
  const v2Dir = v2 && v2Path !== undefined ? cgroupDirectory(v2, v2Path) : undefined;
  for (const [controller, file] of [
    ['memory', 'memory.max'],
    ['cpu', 'cpu.max'],
  ] as const) {
    if (v2 && v2Dir && fs.existsSync(path.join(v2Dir, file))) {
      found[controller] = { version: 2, dir: v2Dir, mountPoint: v2.mountPoint };
      continue;
    }
    const v1 = mounts.find((mount) => mount.version === 1 && mount.controllers.includes(controller));
    const v1Path = paths.get(controller);
    const v1Dir = v1 && v1Path !== undefined ? cgroupDirectory(v1, v1Path) : undefined;
    if (v1 && v1Dir && fs.existsSync(v1Dir)) found[controller] = { version: 1, dir: v1Dir, mountPoint: v1.mountPoint };
    // A v2 root cgroup has no memory.max, but its memory.events still counts OOM kills.
    else if (v2 && v2Dir && controller === 'memory' && fs.existsSync(path.join(v2Dir, 'memory.stat'))) {
      found.memory = { version: 2, dir: v2Dir, mountPoint: v2.mountPoint };
    }
  }
  return found;
}

function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
