import fs from 'node:fs';
import path from 'node:path';
import { RunmeterError } from '../model/errors.js';

/**
 * Creates a folder and its missing parents, one level at a time, with `mode` (before the umask) for the folders it
 * makes. `mkdirSync(dir, { recursive: true })` spins for ever on Node 20 where a parent refuses new entries with
 * ENOENT (under /proc, say); this fails with that error.
 */
export function makeDirectory(dir: string, mode = 0o777): void {
  const absolute = path.resolve(dir);
  try {
    if (fs.statSync(absolute).isDirectory()) return;
  } catch {
    // Not there yet: create it below.
  }
  const parts = absolute.split(path.sep).filter((part) => part !== '');
  let at = path.parse(absolute).root;
  for (const part of parts) {
    at = path.join(at, part);
    try {
      fs.mkdirSync(at, mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Why runmeter will not use a folder or file as (part of) its store: planted links and other users' files. */
function unsafe(what: string, file: string, why: string): RunmeterError {
  return new RunmeterError('E_STORE_UNSAFE', `refusing the store ${what} ${file}: ${why}`);
}

/**
 * Checks an open store folder or file, by its descriptor (so it cannot be swapped between the check and the chmod):
 * it must belong to this user, and is tightened to `mode` when it is wider.
 */
function checkOwnAndTighten(fd: number, what: string, file: string, mode: number): void {
  const stat = fs.fstatSync(fd);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw unsafe(what, file, `it belongs to uid ${stat.uid}, not to this user (uid ${uid}); runmeter only keeps runs where its user alone can reach them`);
  }
  if ((stat.mode & 0o777 & ~mode) !== 0) fs.fchmodSync(fd, mode);
}

/**
 * Whether `file` is a symbolic link this user made: such a link is followed (`~/.runmeter` pointing at a bigger
 * disk), and its target checked like the store itself. A link someone else made, the kind planted in a shared
 * folder to send runs elsewhere, is not.
 */
function ownLink(file: string): boolean {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  const uid = process.getuid?.();
  return stat?.isSymbolicLink() === true && (uid === undefined || stat.uid === uid);
}

/** The error opening a store path with O_NOFOLLOW gave, as the message a user reads. */
function openError(what: string, file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  // O_NOFOLLOW on a link: ELOOP on Linux, EMLINK on FreeBSD; with O_DIRECTORY, Linux says ENOTDIR first.
  const link = fs.lstatSync(file, { throwIfNoEntry: false });
  if (code === 'ELOOP' || code === 'EMLINK' || (code === 'ENOTDIR' && link?.isSymbolicLink())) {
    return unsafe(
      what,
      file,
      `it is a symbolic link made by uid ${link?.uid ?? '?'}, not by this user, and runmeter follows only its own user's links in its store (another's could be planted to send runs elsewhere); name the real path instead`,
    );
  }
  if (code === 'ENOTDIR') return unsafe(what, file, 'it is not a folder');
  if (code === 'ENOENT' && link?.isSymbolicLink()) return unsafe(what, file, 'it is a symbolic link to nothing');
  return error;
}

/** Opens a store path without following a link, unless it is this user's own link (then its target is opened). */
function openStorePath(file: string, flags: number): number {
  try {
    return fs.openSync(file, flags | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ELOOP' || code === 'EMLINK' || code === 'ENOTDIR') && ownLink(file)) return fs.openSync(file, flags);
    throw error;
  }
}

/**
 * Makes the store's own folder private: created mode 0700 when missing; an existing one (made 0755 by an older
 * runmeter, or by hand) tightened to 0700. A folder that is a symbolic link, or that belongs to another user, is
 * refused with an error naming it: never follow links an attacker could plant.
 */
export function makePrivateDirectory(dir: string, what = 'folder'): void {
  if (process.platform === 'win32') {
    makeDirectory(dir, 0o700);
    return;
  }
  let fd: number;
  try {
    fd = openStorePath(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || ownLink(dir)) throw openError(what, dir, error);
    makeDirectory(dir, 0o700);
    try {
      fd = openStorePath(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    } catch (again) {
      throw openError(what, dir, again);
    }
  }
  try {
    checkOwnAndTighten(fd, what, dir, 0o700);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Checks an existing file of the store (its database, the database's WAL): not a symbolic link, this user's, and
 * mode 0600 (tightened when wider). A file that is not there is left for its creator.
 */
export function checkPrivateFile(file: string, what = 'file'): void {
  if (process.platform === 'win32') return;
  let fd: number;
  try {
    fd = openStorePath(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !ownLink(file)) return;
    throw openError(what, file, error);
  }
  try {
    checkOwnAndTighten(fd, what, file, 0o600);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Why runmeter would refuse `dir` as a store folder (a symbolic link, not a folder, another user's), or undefined
 * when it is fine or not there yet. For writers that go around the store (the agent's output files, spools), so
 * that they never write through a link the store itself refuses.
 */
export function storeFolderProblem(dir: string): string | undefined {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  } catch {
    return undefined; // cannot be there (a path under a file): making it fails later, with its own message
  }
  if (stat === undefined || process.platform === 'win32') return undefined;
  const uid0 = process.getuid?.();
  if (stat.isSymbolicLink()) {
    if (uid0 !== undefined && stat.uid !== uid0) return `${dir} is a symbolic link made by uid ${stat.uid}`;
    // This user's own link: what it points at must pass as the folder itself would.
    stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (stat === undefined) return `${dir} is a symbolic link to nothing`;
  }
  if (!stat.isDirectory()) return `${dir} is not a folder`;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `${dir} belongs to uid ${stat.uid}`;
  return undefined;
}
